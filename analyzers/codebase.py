"""Collect the facts of a whole code base: discover, read, parse (cached, in parallel), name."""

from __future__ import annotations

import hashlib
import marshal
import os
from collections.abc import Callable
from dataclasses import dataclass

from analyzers.cache import DATABASE as FACTS_DATABASE
from analyzers.cache import FactsCache, default_cache_dir
from analyzers.discovery import Discovery, discover
from analyzers.encoding import decode as decode_facts
from analyzers.facts import CodebaseFacts, ModuleFacts, ParsedSource, SkippedFile
from analyzers.naming import assign_names
from analyzers.source import DEFAULT_MAX_FILE_BYTES, Inside, Rejected, decode
from analyzers.treewalk import is_within
from analyzers.workers import Parsers, default_jobs, parse_many

Progress = Callable[[str, int, int], None]  # (stage, done, total)


DEFAULT_PARSE_TIMEOUT_S = 60.0
_KEPT_FOLDERS = 256  # folders kept open while reading (``Inside``)
TOO_BIG = "raise the limit with --max-file-size-kb to analyse it"


class NoPythonFiles(Exception):
    """The root holds no Python file that could be analysed."""


@dataclass(frozen=True, slots=True)
class ScanOptions:
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    source_roots: tuple[str, ...] = ()
    default_excludes: bool = True
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES
    parse_timeout_s: float = DEFAULT_PARSE_TIMEOUT_S
    jobs: int = 0  # 0: one per available core; never more than the cores or the files
    cache_dir: str | None = None  # None: the user cache directory (``default_cache_dir``)
    use_cache: bool = True


# Not cached: failures caused by the environment (time limit, crash, memory) or by a bug in the
# parsing code ("parser failed: NameError..."), which a fixed version must not inherit.
_TRANSIENT = ("parsing took", "parser crashed", "ran out", "parser failed")


def _largest_first(files):
    def size(entry):
        try:
            return os.stat(entry.real_path).st_size
        except OSError:
            return 0

    return sorted(files, key=lambda e: (-size(e), e.path))


def _no_progress(stage: str, done: int, total: int) -> None:
    pass


def _facts(value: object) -> ParsedSource | None:
    """Encoded facts back to a value; None if they do not decode."""
    try:
        return decode_facts(marshal.loads(value))
    except (ValueError, EOFError, TypeError, IndexError, KeyError, AttributeError):
        return None


@dataclass
class Snapshot:
    """Every Python file of the tree read once, before any is parsed: the texts to parse and
    what decides the facts (``digest``), so a caller can tell an unchanged tree without
    parsing or decoding anything."""

    root: str  # real path
    found: Discovery
    sources: list[tuple[str, str, str]]  # (path, sha256 of the bytes, text), largest first
    skipped: list[SkippedFile]  # the discovery's and the files that could not be read
    workers: Parsers | None = None  # parsers started while reading, when nothing is cached

    def release(self) -> None:
        """Stop the parsers started ahead, if the snapshot will not be parsed."""
        if self.workers is not None:
            self.workers.stop()
            self.workers = None

    def digest(self, options: ScanOptions) -> str:
        """What the facts are a function of: the root, the options that shape the scan, the
        files found (names, content digests, packages) and the files skipped. The code that
        turns them into facts is the caller's to add."""
        digest = hashlib.sha256(self.root.encode("utf-8", "surrogatepass"))
        digest.update(repr((options.include, options.exclude, options.source_roots,
                            options.default_excludes, options.max_file_bytes,
                            options.parse_timeout_s)).encode("utf-8", "surrogatepass"))
        for path, sha, _ in sorted(self.sources):
            digest.update(f"\0{path}\0{sha}".encode("utf-8", "surrogatepass"))
        for folder in sorted(self.found.package_dirs):
            digest.update(f"\1{folder}".encode("utf-8", "surrogatepass"))
        for skip in sorted(self.skipped, key=lambda s: (s.path, s.reason)):
            digest.update(f"\2{skip.path}\0{skip.reason}".encode("utf-8", "surrogatepass"))
        return digest.hexdigest()


def read_tree(root: str, options: ScanOptions = ScanOptions()) -> Snapshot:
    """Discover the Python files under ``root`` and read each (largest first, the order the
    parse wants for load balance); a file that cannot be read is skipped with its reason."""
    real_root = os.path.realpath(root)
    found = discover(real_root, options.include, options.exclude, options.default_excludes)
    skipped = list(found.skipped)
    sources = []
    # with no cache to hit, every file will be parsed: the parsers load while the files are
    # read (started before any folder of the tree is open, so they hold none)
    workers = Parsers(_jobs(options, len(found.files))) \
        if found.files and not _cache_exists(options) else None
    try:
        with Inside(real_root, keep_folders=_KEPT_FOLDERS) as inside:
            for entry in _largest_first(found.files):
                try:
                    source = decode(inside.read(entry.real_path, options.max_file_bytes,
                                                TOO_BIG))
                except Rejected as exc:
                    skipped.append(SkippedFile(entry.path, str(exc)))
                    continue
                sources.append((entry.path, source.sha256, source.text))
    except BaseException:
        if workers is not None:
            workers.stop()
        raise
    return Snapshot(real_root, found, sources, skipped, workers)


def _cache_exists(options: ScanOptions) -> bool:
    """Whether a facts cache may answer for some files (if not, all are parsed)."""
    directory = options.cache_dir or default_cache_dir()
    return options.use_cache and os.path.exists(os.path.join(directory, FACTS_DATABASE))


def _jobs(options: ScanOptions, files: int) -> int:
    # more workers than cores or files only costs memory (a repository's "jobs = 100000"
    # started 100,000 of them)
    return min(options.jobs or default_jobs(), default_jobs(), max(1, files))


def collect(root: str, options: ScanOptions = ScanOptions(),
            progress: Progress = _no_progress) -> CodebaseFacts:
    return parse_tree(read_tree(root, options), options, progress)


def parse_tree(snapshot: Snapshot, options: ScanOptions = ScanOptions(),
               progress: Progress = _no_progress) -> CodebaseFacts:
    """The facts of every file of ``snapshot``: from the facts cache, else parsed in worker
    processes. The snapshot's texts are handed over (and dropped from it) as they are sent."""
    real_root, found = snapshot.root, snapshot.found
    skipped = list(snapshot.skipped)
    shas: dict[str, str] = {}  # path -> sha256 of the files that could be read
    results: dict[str, tuple[bool, object]] = {}  # sha256 -> (ok, encoded facts or reason)
    cache = None
    cache_problem: list[str] = []  # why the cache could not be used, if it could not

    def cache_failed(exc: Exception) -> None:
        where = cache.path if cache is not None else cache_dir
        cache_problem[:] = [f"the facts cache {where} is unusable ({type(exc).__name__}: "
                            f"{str(exc).strip()[:120]}); analysed without it (delete it, or pass "
                            "--cache-dir, to start a new one)"]

    cache_dir = options.cache_dir or default_cache_dir()
    if options.use_cache and is_within(os.path.realpath(cache_dir), real_root):
        # the analysed repository could have shipped it, with facts that hide its imports
        cache_problem.append(f"the facts cache {cache_dir} is inside the analysed repository, "
                             "which could have shipped it; analysed without it (choose a folder "
                             "outside with --cache-dir or ADVISOR_CACHE_DIR)")
    elif options.use_cache:
        try:
            cache = FactsCache(cache_dir)
        except Exception as exc:  # noqa: BLE001 - an unusable cache must not stop the analysis
            cache_failed(exc)
            cache = None
    fresh: list[tuple[str, bool, object]] = []
    decoded: dict[str, ParsedSource] = {}  # sha256 -> facts, for the cache hits (verified)
    total = len(snapshot.sources)
    counts = {"read": 0, "sent": 0}

    def tasks():
        """Hand out the files not cached, looked up 64 at a time."""
        batch: list[tuple[str, str, str]] = []
        sources = snapshot.sources
        sources.reverse()  # popped from the end: largest first, each text let go once sent
        while sources:
            path, sha, text = sources.pop()
            counts["read"] += 1
            shas[path] = sha
            batch.append((path, sha, text))
            if len(batch) >= 64 or not sources:
                yield from _misses(batch)
                batch = []

    def _misses(batch):
        if cache is not None:
            try:
                hits = cache.get_many({sha for _, sha, _ in batch} - set(results))
            except Exception as exc:  # noqa: BLE001
                cache_failed(exc)
                hits = {}
            for sha, (ok, value) in hits.items():
                if ok:
                    source = _facts(value)
                    if source is None:  # verified, yet unreadable: parsed again, replaced
                        cache.damaged += 1
                        continue
                    decoded[sha] = source
                results[sha] = (ok, value)
        for _, sha, text in batch:
            if sha not in results:
                results[sha] = (False, "not parsed")  # placeholder; a duplicate is sent once
                counts["sent"] += 1
                yield sha, text

    def on_result(sha: str, result: tuple[bool, object]) -> None:
        results[sha] = result
        fresh.append((sha, *result))
        if result[0] and (source := _facts(result[1])) is not None:
            decoded[sha] = source  # while the workers parse, not after them all on one core
        progress("parsing", counts["read"] if counts["read"] < total else len(fresh),
                 total if counts["read"] < total else counts["sent"])

    started, snapshot.workers = snapshot.workers, None
    try:
        parse_many(tasks(), _jobs(options, total), options.parse_timeout_s, on_result,
                   started=started)
    finally:
        if started is not None:
            started.stop()  # any not taken (parse_many takes and ends them all)
    if cache is not None:
        if cache.damaged:
            cache_problem.append(f"{cache.damaged} damaged entr"
                                 f"{'y' if cache.damaged == 1 else 'ies'} of the facts cache "
                                 f"{cache.path} parsed again and repaired")
        try:
            # failures caused by the environment (time limits, crashes) are not cached
            cache.put_many(e for e in fresh if e[1] or not e[2].startswith(_TRANSIENT))
        except Exception as exc:  # noqa: BLE001
            cache_failed(exc)
        finally:
            cache.close()

    parsed: dict[str, tuple[ParsedSource, str]] = {}
    for path, sha in shas.items():
        ok, value = results[sha]
        if not ok:
            skipped.append(SkippedFile(path, str(value)))
        elif (source := decoded.get(sha) or _facts(value)) is None:
            skipped.append(SkippedFile(path, "the parser's facts could not be read back; "
                                             "please report it"))
        else:
            decoded[sha] = source
            parsed[path] = (source, sha)
    if not parsed:
        raise NoPythonFiles(real_root)

    naming = assign_names(
        sorted(parsed), found.package_dirs,
        [imp for source, _ in parsed.values() for imp in source.imports],
        os.path.basename(real_root), options.source_roots,
    )
    modules = tuple(
        ModuleFacts(path=path, name=naming.names[path][0], is_package=naming.names[path][1],
                    sha256=sha, source=source)
        for path, (source, sha) in sorted(parsed.items())
    )
    return CodebaseFacts(
        root=real_root,
        modules=modules,
        skipped=tuple(sorted(skipped, key=lambda s: s.path)),
        source_roots=naming.source_roots,
        notes=naming.notes + tuple(cache_problem),
        stats={"files_found": len(found.files), "parsed": counts["sent"],
               "from_cache": len(shas) - counts["sent"],
               # failures of this run's environment (time limit, crash): the facts are not a
               # function of the snapshot alone, so nothing derived from them may be cached
               "transient": sum(1 for _, ok, value in fresh
                                if not ok and str(value).startswith(_TRANSIENT)),
               "cache_problems": len(cache_problem)},
    )
