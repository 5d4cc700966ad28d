"""What a pipeline step ships: the application's image pushed to a registry, the application
deployed, or a deploy triggered elsewhere. A docs site (GitHub Pages, Read the Docs,
``mkdocs gh-deploy``) or a package on PyPI is not the application, and the word "deploy" in a
job's name or a comment decides nothing: a command, an action or an action's input does."""

from __future__ import annotations

import re
from collections.abc import Sequence

from analyzers.commands import Chain, Ctx, Repo, follow
from analyzers.pipelines import Step
from analyzers.shellwords import after_options, base, compose_args, segments, unwrap

IMAGE, DEPLOY, TRIGGER = "image", "deploy", "trigger"

_DOCS = re.compile(r"(?i)(?<![\w-])(mkdocs|mike|sphinx[\w-]*|ghp-import|gh-pages|docusaurus"
                   r"|readthedocs|jekyll)(?![\w-])")
_DOCS_DIRS = frozenset({"docs", "doc", "documentation", "website", "site"})
_DOCS_TOKENS = frozenset({"pages", "ghpages", "docs", "doc", "documentation", "pypi",
                          "readthedocs", "mkdocs", "sphinx", "wiki", "docusaurus", "storybook"})
_NOT_SHIPPING = frozenset({"login", "logout", "setup", "scan", "cleanup", "delete", "prune",
                           "metadata", "cache", "status", "notify"})
_REGISTRIES = frozenset({"ecr", "gcr", "ghcr", "acr", "registry", "dockerhub", "quay"})
_IMAGES = frozenset({"docker", "image", "images", "container", "containers", "oci"})
_TEXT_TOOLS = frozenset({"echo", "printf", "cat", "grep", "sed", "awk", "jq", "yq", "tee",
                         "export", "set", "cd", "mkdir", "ls", "test", "[", "git", "gh", "curl",
                         "wget", "read", "true", "false", "sleep", "rm", "cp", "mv", "touch",
                         "chmod", "exit", "return", "local"})
_DEPLOY_WORD = re.compile(r"(?i)(?<![a-z])deploy(?:ment)?s?(?![a-z])")
_IMAGE_REF = re.compile(r"""(?i)["']?\bimage["']?[ \t]*[:=]|\.dkr\.ecr\."""
                        r"""|\b(?:ghcr|gcr|quay)\.io/""")
_FALSE = frozenset({"false", "0", "no", "off", ""})
_SSH_OPTS = frozenset({"-i", "-p", "-o", "-l", "-F", "-J", "-L", "-R", "-D", "-E", "-b", "-c",
                       "-m", "-O", "-Q", "-S", "-W", "-w", "-B"})


def action_kind(ref: str) -> str | None:
    """What an action or a remote reusable workflow ships, by its name; None for docs, PyPI,
    logins and everything else. ``docker/build-push-action`` is decided by its inputs."""
    ref = ref.split("@")[0].lower()
    if not ref or ref.startswith(("./", "docker://")):
        return None  # a local workflow is read where it is written
    tokens = set(re.split(r"[-_/.]+", ref)) - {""}
    if tokens & _DOCS_TOKENS:
        return None
    if ref.startswith("docker/") and ("build-push" in ref or "bake" in ref):
        return "inputs"
    if tokens & _NOT_SHIPPING:
        return None
    if {"invoke", "lambda"} <= tokens or "dispatch" in tokens or "trigger" in tokens:
        return TRIGGER
    if "deploy" in tokens:
        return DEPLOY
    if tokens & _REGISTRIES or tokens & {"push", "publish"} and tokens & _IMAGES:
        return IMAGE
    return None


def command_kind(words: list[str], self_hosted: bool = False) -> tuple[str, str] | None:
    """(kind, what) for one simple command that pushes an image, deploys, or triggers a
    pipeline elsewhere; None otherwise."""
    words = unwrap(words)
    if not words or _DOCS.search(" ".join(words)):
        return None
    head, args = base(words[0]), words[1:]
    plain = [a for a in args if not a.startswith("-")]
    sub = compose_args(words)
    if sub is not None:
        if sub[:1] == ["push"]:
            return IMAGE, "pushes images (docker compose push)"
        if sub[:1] == ["up"] and self_hosted:
            return DEPLOY, "starts the application on a self-hosted runner (docker compose up)"
        return None
    if head in ("docker", "podman", "nerdctl", "buildah"):
        return _docker(plain, args)
    if head in ("skopeo", "crane") and plain[:1] in (["copy"], ["push"], ["cp"]):
        return IMAGE, f"copies an image to a registry ({head})"
    if head == "kubectl" and plain[:1] and plain[0] in ("apply", "create", "replace", "set",
                                                          "rollout"):
        return DEPLOY, f"deploys (kubectl {plain[0]})"
    if (head == "helm" and plain[:1] in (["upgrade"], ["install"], ["rollback"])
            or head == "helmfile" and plain[:1] in (["apply"], ["sync"])
            or head in ("terraform", "tofu", "terragrunt") and "apply" in plain[:2]
            or head == "pulumi" and plain[:1] == ["up"]
            or head == "railway" and plain[:1] == ["up"]
            or head == "vercel" and "--prod" in args):
        return DEPLOY, f"deploys ({head} {plain[0] if plain else '--prod'})"
    if head == "ansible-playbook":
        return DEPLOY, "deploys (ansible-playbook)"
    if head == "git" and plain[:1] == ["push"] and plain[1:2] in (["heroku"], ["dokku"]):
        return DEPLOY, f"deploys (git push {plain[1]})"
    if head == "heroku" and plain[:1] and plain[0].startswith(("container:push",
                                                                "container:release")):
        return DEPLOY, f"deploys (heroku {plain[0]})"
    if head == "aws":
        return _aws(plain)
    if head == "gh" and (plain[:1] == ["api"] and any("dispatches" in a for a in plain)
                         or plain[:2] == ["workflow", "run"]):
        return TRIGGER, "gh " + " ".join(plain[:2])
    if head == "curl" and any("/dispatches" in a or "hook" in a.lower() for a in args):
        return TRIGGER, "curl"
    if head == "ssh":
        remote = after_options(args, _SSH_OPTS)[1:]
        return (DEPLOY, "restarts the application over ssh") if _restarts(remote) else None
    if "deploy" in plain and head not in _TEXT_TOOLS:
        return DEPLOY, f"deploys ({head} deploy)"
    return None


def _docker(plain: list[str], args: list[str]) -> tuple[str, str] | None:
    if plain[:1] == ["push"] or plain[:2] in (["image", "push"], ["manifest", "push"]):
        return IMAGE, "pushes an image (docker push)"
    if plain[:3] == ["buildx", "imagetools", "create"] and "--dry-run" not in args:
        return IMAGE, "pushes a manifest list (docker buildx imagetools create)"
    if plain[:1] in (["build"], ["buildx"]) and ("--push" in args or any(
            "push=true" in a or "type=registry" in a for a in args)):
        return IMAGE, "pushes an image (docker build --push)"
    if plain[:2] == ["stack", "deploy"]:
        return DEPLOY, "deploys (docker stack deploy)"
    return None


_AWS_DEPLOYS = {("ecs", "update-service"), ("lambda", "update-function-code"),
                ("deploy", "create-deployment"), ("elasticbeanstalk", "update-environment"),
                ("apprunner", "start-deployment"), ("cloudformation", "deploy")}


def _aws(plain: list[str]) -> tuple[str, str] | None:
    pair = tuple(plain[:2])
    if pair in _AWS_DEPLOYS:
        return DEPLOY, "deploys (aws " + " ".join(pair) + ")"
    if pair == ("lambda", "invoke"):
        return TRIGGER, "aws lambda invoke"
    return None


def _restarts(remote: list[str]) -> bool:
    """Whether a command run over ssh (re)starts the application."""
    text = " ".join(remote)
    if _DEPLOY_WORD.search(text):
        return True
    for words in segments(text):
        words = unwrap(words)
        head, plain = (base(words[0]), [w for w in words[1:] if not w.startswith("-")]) \
            if words else ("", [])
        sub = compose_args(words) if words else None
        if (sub and sub[:1] in (["up"], ["pull"])
                or head == "docker" and plain[:1] in (["run"], ["pull"])
                or head in ("systemctl", "service", "supervisorctl")
                and any(p in ("restart", "reload", "start") for p in plain)
                or head == "git" and plain[:1] == ["pull"]):
            return True
    return False


def _docs_dir(workdir: str) -> bool:
    return any(part in _DOCS_DIRS for part in workdir.split("/"))


def _payload(step: Step) -> str:
    """What a step hands on: its shell text (messages aside) and its inputs' values."""
    lines = [line for line in step.script.splitlines()
             if not line.startswith(("echo ", "printf ", "#"))]
    return "\n".join(lines + [f"image: {i.value}" if i.key.lower() == "image" else i.value
                              for i in step.inputs])


def _triggers_deploy(target: str, payload: str, published: bool) -> bool:
    """A remote trigger deploys when its target or payload names a deploy, or when it hands
    on an image the same job has just published."""
    return bool(_DEPLOY_WORD.search(target) or _DEPLOY_WORD.search(payload)
                or published and _IMAGE_REF.search(payload))


def _ships(self_hosted: bool):
    """The question asked of the scripts a step calls: does a command push or deploy."""
    def leaf(words: list[str], ctx: Ctx) -> Chain | None:
        hit = command_kind(words, self_hosted)
        return [hit[1]] if hit and hit[0] != TRIGGER else None
    return leaf


def _command(words: list[str], step: Step, published: bool, repo: Repo | None
             ) -> tuple[str, str] | None:
    """(kind, what) for one simple command of a step, through the files it calls."""
    self_hosted = "self-hosted" in step.runner
    hit = command_kind(words, self_hosted)
    if hit and hit[0] == TRIGGER:
        payload = _payload(step)
        return (TRIGGER, f"triggers a deploy ({hit[1]})") \
            if _triggers_deploy(" ".join(words), payload, published) else None
    if hit or repo is None:
        return hit
    ctx = Ctx(repo, workdir=step.workdir, leaf=_ships(self_hosted),
              question=f"ships{'-self-hosted' if self_hosted else ''}")
    chain = follow(words, ctx)
    if not chain:
        return None
    kind = IMAGE if chain[-1].startswith("pushes") else DEPLOY
    return kind, f"{chain[-1]} (via {' -> '.join(chain[:-1])})"


def shipments(steps: Sequence[Step], repo: Repo | None = None) -> list[tuple[int, str]]:
    """(line, what) of every step that pushes the application's image or deploys it; with
    ``repo``, the scripts and Makefile targets a step calls are read for it too."""
    found: list[tuple[int, str]] = []
    published: set[str] = set()
    for step in steps:
        if _docs_dir(step.workdir):
            continue
        images = 0
        kind = action_kind(step.uses) if step.uses else None
        name = step.uses.split("@")[0]
        if kind == "inputs":
            pushes = [(i.line, f"pushes an image ({name} with {i.key}: {i.value})")
                      for i in step.inputs
                      if i.key == "push" and i.value.strip().lower() not in _FALSE
                      or i.key == "outputs" and re.search(r"push=true|type=registry", i.value)]
            found += pushes
            images += len(pushes)
        elif kind == IMAGE:
            found.append((step.line, f"pushes an image ({name})"))
            images += 1
        elif kind == DEPLOY:
            found.append((step.line, f"deploys ({name})"))
        elif kind == TRIGGER and _triggers_deploy("", _payload(step), step.job in published):
            found.append((step.line, f"triggers a deploy ({name})"))
        for command in step.commands:
            for words in segments(command.text):
                hit = _command(words, step, step.job in published, repo)
                if hit:
                    found.append((command.line, f"{hit[1]}: {command.text[:100]}"))
                    images += hit[0] == IMAGE
                    break
        if images:
            published.add(step.job)
    return found
