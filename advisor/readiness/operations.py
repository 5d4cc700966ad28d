"""Operations items. The article: "Invest in CI/CD, containerization, and infrastructure-as-code
early to make service management practical"; "implement distributed tracing, centralized
logging, and comprehensive metrics collection"; "retry mechanisms, circuit breakers".

Every item reads ``analyzers.operations`` evidence; no operations facts at all -> no data.
"""

from __future__ import annotations

from advisor.readiness.inputs import Inputs
from advisor.readiness.model import Evidence, ItemSpec, Result, clamp, no_data

_NO_FACTS = "operations files were not scanned"
_LAUNCHERS = ("manage.py", "wsgi.py", "asgi.py", "conftest.py")


def _ev(items, kinds=None) -> tuple[Evidence, ...]:
    return tuple(Evidence(e.path, e.line, e.detail) for e in items
                 if kinds is None or e.kind in kinds)


def ci_tests(inp: Inputs, th) -> Result:
    ops = inp.operations
    if ops is None:
        return no_data(_NO_FACTS)
    pipelines = _ev(ops.ci, {"pipeline"})
    if ops.ci_runs_tests:
        return Result(1.0, f"CI runs the tests ({len(_ev(ops.ci, {'runs_tests'}))} step(s))",
                      _ev(ops.ci, {"pipeline", "runs_tests"}),
                      "Keep the test job required on every pull request.")
    if pipelines:
        return Result(0.5, f"{len(pipelines)} CI pipeline(s), none runs the tests", pipelines,
                      "Add a test job (pytest) to the pipeline and make it required before "
                      "merging; a split without a test gate breaks silently.")
    runners = _ev(ops.ci, {"test_runner"})
    if runners:
        return Result(0.25, "a test runner is configured (tox/nox) but no CI pipeline", runners,
                      "Run the test runner in CI (GitHub Actions, GitLab CI...) on every push.")
    return Result(0.0, "no CI pipeline found", (),
                  "Set up CI that runs the tests on every push before anything else.")


def containers(inp: Inputs, th) -> Result:
    ops = inp.operations
    if ops is None:
        return no_data(_NO_FACTS)
    docker = _ev(ops.containers, {"dockerfile"})
    compose = _ev(ops.containers, {"compose"})
    if docker:
        return Result(1.0, f"{len(docker)} Dockerfile(s)" + (", Compose" if compose else ""),
                      docker + compose, "Build the image in CI and run it in every environment.")
    if compose:
        return Result(0.5, "a Compose file but no Dockerfile for the application", compose,
                      "Containerise the application itself (a Dockerfile) so each service "
                      "can ship as an image.")
    return Result(0.0, "no Dockerfile or Compose file", (),
                  "Package the application as a container image (a Dockerfile built in CI).")


def deploy(inp: Inputs, th) -> Result:
    ops = inp.operations
    if ops is None:
        return no_data(_NO_FACTS)
    deploys = _ev(ops.ci, {"deploys"})
    if deploys:
        return Result(1.0, f"CI deploys ({len(deploys)} step(s))", deploys,
                      "Keep deployments automatic and reversible (rollbacks in the pipeline).")
    manifests = _ev(ops.iac)
    if manifests:
        return Result(0.5, "deployment manifests exist but no pipeline applies them", manifests,
                      "Let CI apply the manifests (kubectl/helm/terraform apply) so every "
                      "service deploys the same way, without hands on keyboards.")
    return Result(0.0, "no deploy automation (no deploy step in CI, no manifests)", (),
                  "Automate deployment from CI before running more than one deployable.")


_IAC_FULL = frozenset({"terraform", "pulumi", "kubernetes", "helm", "kustomize", "serverless",
                       "cloudformation"})


def iac(inp: Inputs, th) -> Result:
    ops = inp.operations
    if ops is None:
        return no_data(_NO_FACTS)
    full = _ev(ops.iac, _IAC_FULL)
    if full:
        kinds = sorted({e.kind for e in ops.iac if e.kind in _IAC_FULL})
        return Result(1.0, "infrastructure as code: " + ", ".join(kinds), full,
                      "Give each extracted service its own module/manifests in the same code.")
    paas = _ev(ops.iac)
    if paas:
        return Result(0.5, "only PaaS process files (Procfile, fly.toml)", paas,
                      "Describe databases, queues and networks as code (Terraform, Pulumi, "
                      "Kubernetes manifests) so new services are reproducible.")
    return Result(0.0, "no infrastructure as code", (),
                  "Describe the infrastructure as code (Terraform, Pulumi, Helm) early.")


_OBSERVABILITY = (("tracing", ("tracing",)), ("metrics", ("metrics",)),
                  ("central logging / error tracking", ("logging", "error_tracking")),
                  ("health checks", ("health_check",)))


def observability(inp: Inputs, th) -> Result:
    ops = inp.operations
    if ops is None:
        return no_data(_NO_FACTS)
    present = [name for name, kinds in _OBSERVABILITY if any(e.kind in kinds
                                                             for e in ops.observability)]
    missing = [name for name, _ in _OBSERVABILITY if name not in present]
    score = len(present) / len(_OBSERVABILITY)
    summary = (f"{len(present)} of {len(_OBSERVABILITY)}: "
               + (", ".join(present) or "none") + (f"; missing {', '.join(missing)}"
                                                   if missing else ""))
    advice = ("Add " + ", ".join(missing) + " before splitting: across services you can only "
              "debug what you trace and measure." if missing else
              "Propagate trace ids across service calls and queues when extracting.")
    return Result(score, summary, _ev(ops.observability), advice,
                  {"missing": missing})


def resilience(inp: Inputs, th) -> Result:
    ops = inp.operations
    if ops is None:
        return no_data(_NO_FACTS)
    kinds = {e.kind for e in ops.resilience}
    present = [k for k in ("retry", "circuit_breaker", "timeout") if k in kinds]
    score = len(present) / 3
    untimed = ops.requests_without_timeout
    timed = sum(1 for e in ops.resilience if e.kind == "timeout")
    if untimed:
        score *= timed / (timed + untimed)
    summary = (f"{len(present)} of 3 patterns ({', '.join(present) or 'none'})"
               + (f"; {untimed} HTTP call(s) without a timeout" if untimed else ""))
    advice = []
    if untimed:
        advice.append("give every outbound HTTP call a timeout")
    advice += [f"add {words}" for k, words in (("retry", "retries"),
                                                ("circuit_breaker", "circuit breakers"),
                                                ("timeout", "timeouts")) if k not in kinds]
    return Result(clamp(score), summary, _ev(ops.resilience),
                  ("Before calls cross the network: " + "; ".join(advice) + ".") if advice else
                  "Keep retries idempotent and bounded.")


def configuration(inp: Inputs, th) -> Result:
    ops = inp.operations
    if ops is None:
        return no_data(_NO_FACTS)
    env = [e for e in ops.config if e.kind == "env_vars"
           and e.path.rpartition("/")[2] not in _LAUNCHERS and "test" not in e.path]
    libraries = [e for e in ops.config if e.kind not in ("env_vars", "env_template")]
    template = [e for e in ops.config if e.kind == "env_template"]
    score = (0.75 + (0.25 if template else 0.0)) if env or libraries else 0.0
    evidence = _ev(env + libraries + template)
    if score == 0:
        return Result(0.0, "configuration is not read from the environment", evidence,
                      "Read settings (database URLs, hosts, secrets) from environment variables "
                      "or a settings library, not from code.")
    parts = [f"{len(env)} module(s) read environment variables"] if env else []
    parts += ["a settings library"] if libraries else []
    parts += ["an environment template"] if template else []
    return Result(clamp(score), ", ".join(parts), evidence,
                  "Document every variable in an environment template (.env.example)."
                  if not template else "Keep secrets out of the repository.")


def tests(inp: Inputs, th) -> Result:
    ops = inp.operations
    if ops is None:
        return no_data(_NO_FACTS)
    stats = ops.test_stats
    if not stats.code_lines:
        return no_data("no application code lines counted")
    ratio = stats.test_to_code_ratio
    ratio_part = clamp(ratio / th["ratio"])
    coverage = stats.coverage_fail_under
    coverage_part = clamp((coverage or 0.0) / th["coverage"])
    score = 0.7 * ratio_part + 0.3 * coverage_part
    summary = (f"{stats.test_functions} tests, test/code lines {ratio:.2f} (target "
               f"{th['ratio']:g}); coverage threshold "
               + (f"{coverage:g}%" if coverage is not None else "none"))
    advice = []
    if ratio_part < 1:
        advice.append("add tests around the boundaries you plan to cut (contract tests on each "
                      "context's public API)")
    if coverage_part < 1:
        advice.append(f"enforce a coverage threshold (>= {th['coverage']:g}%) in CI")
    text = "; ".join(advice)
    return Result(score, summary, _ev(ops.tests),
                  (text[:1].upper() + text[1:] + ".") if advice else "Keep the net tight.")


ITEMS = (
    ItemSpec("ops.ci_tests", "CI runs the tests", "operations", 2.0, ci_tests,
             article="Invest in CI/CD early"),
    ItemSpec("ops.containers", "Containers", "operations", 1.0, containers,
             article="containerization"),
    ItemSpec("ops.deploy", "Deploy automation", "operations", 1.0, deploy,
             article="Deployments can happen independently"),
    ItemSpec("ops.iac", "Infrastructure as code", "operations", 1.0, iac,
             article="infrastructure-as-code"),
    ItemSpec("ops.observability", "Observability (tracing, metrics, logging, health)",
             "operations", 1.5, observability, article="Monitoring and Tracing"),
    ItemSpec("ops.resilience", "Resilience (retries, circuit breakers, timeouts)", "operations",
             1.0, resilience, article="retry mechanisms, circuit breakers"),
    ItemSpec("ops.config", "Externalised configuration", "operations", 1.0, configuration),
    ItemSpec("ops.tests", "Test safety net", "operations", 1.5, tests,
             {"ratio": (0.5, "test lines per code line for a full score"),
              "coverage": (80.0, "coverage threshold (%) for a full score")}),
)
