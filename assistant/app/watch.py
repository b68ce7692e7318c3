"""The corpus folder that syncs itself: a watcher (watchdog's file-system events, or scanning
the folder where events are not available) notes each change under the corpus folder and, once the
folder has been quiet for `delay` seconds, runs the incremental sync it was given (the
Service's, under the single-writer lock). Answers go on from the current build meanwhile.

A sync that finds the index busy (another writer holds the lock) is tried again after the
delay; one that fails is logged, and the next change tries again: the watcher never stops
the process it runs in. Each sync logs its summary line.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from assistant.config import Settings
from assistant.errors import AssistantError, IndexBusyError
from assistant.types import IndexReport

Log = Callable[[str], None]
# What changes a file: reading one (as the sync does) shows as opened/closed-without-writing.
_CHANGES = {"created", "deleted", "modified", "moved", "closed"}


class CorpusWatcher:
    """Runs `sync` after each settled change under `folder`; start() runs one sync at once,
    for what changed while nobody watched."""

    def __init__(
        self, folder: Path, sync: Callable[[], IndexReport], log: Log, *, delay: float = 2.0,
        polling: bool = False, ignore: tuple[Path, ...] = (),
    ) -> None:  # fmt: skip
        self.folder = folder.resolve()
        self.sync = sync
        self.log = log
        self.delay = delay
        self.polling = polling
        self.ignore = tuple(p.resolve() for p in ignore)  # e.g. an index folder inside it
        self.syncs = 0  # syncs run, for tests and the page
        self.noticed = 0  # changes noticed (each restarts the quiet), for tests
        self._changed_at: float | None = None  # when the last unsynced change was seen
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._syncing = threading.Event()
        self._observer: Any = None
        self._worker: threading.Thread | None = None
        self._skipped: set[tuple[str, str]] = set()

    # Events

    def changed(self, path: str = "") -> None:
        """Note a change (a file-system event's path; "" for "look again")."""
        if path and not self._counts(Path(path)):
            return
        with self._lock:
            self._changed_at = time.monotonic()
            self.noticed += 1
        self._wake.set()

    def _counts(self, path: Path) -> bool:
        """Whether a change at path can change the corpus: not a hidden file or folder (an
        upload being written, an editor's swap file) and not under an ignored folder."""
        try:
            relative = path.resolve().relative_to(self.folder)
        except ValueError:
            return False
        if any(part.startswith(".") for part in relative.parts):
            return False
        return not any(path.resolve().is_relative_to(folder) for folder in self.ignore)

    # Running

    def start(self) -> CorpusWatcher:
        """Watch the folder and run the first sync now."""
        self._observer = self._observe()
        with self._lock:
            self._changed_at = time.monotonic() - self.delay
        self._wake.set()
        self._worker = threading.Thread(target=self._run, name="corpus-watcher", daemon=True)
        self._worker.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._observer is not None:
            self._observer.stop()
            self._observer.join(timeout=10)
        if self._worker is not None:
            if self._syncing.is_set():
                self.log("watch: waiting for the sync in progress to finish (Ctrl-C again "
                         "leaves it: the index stays as it was before it)")  # fmt: skip
            self._worker.join(timeout=600)  # a sync in progress finishes (or is crash-safe)

    def __enter__(self) -> CorpusWatcher:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()

    def _observe(self) -> Any:
        from watchdog.events import FileSystemEventHandler
        from watchdog.observers import Observer
        from watchdog.observers.polling import PollingObserver

        watcher = self

        class Handler(FileSystemEventHandler):
            def on_any_event(self, event: Any) -> None:
                # a folder "modified" echoes a change inside it, which has its own event
                if event.event_type in _CHANGES and not (
                    event.is_directory and event.event_type == "modified"
                ):
                    for path in (event.src_path, getattr(event, "dest_path", "")):
                        if path:
                            watcher.changed(str(path))

        self.folder.mkdir(parents=True, exist_ok=True)
        # Scans half a delay apart: the changes of one burst are never seen a delay apart.
        every = self.delay / 2
        how = f"scanning every {every:g} s" if self.polling else "file-system events"
        observer = PollingObserver(timeout=every) if self.polling else Observer()
        observer.schedule(Handler(), str(self.folder), recursive=True)
        try:
            observer.start()
        except OSError as exc:  # e.g. the system's limit of inotify watches is reached
            observer = PollingObserver(timeout=every)
            observer.schedule(Handler(), str(self.folder), recursive=True)
            observer.start()
            how = f"scanning every {every:g} s (file-system events failed: {exc})"
        self.log(f"watching {self.folder} for changes ({how}); syncing after "
                 f"{self.delay:g} s of quiet")  # fmt: skip
        return observer

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.wait()
            if self._settled():
                self._sync_once()

    def _settled(self) -> bool:
        """Wait until the folder has been quiet for the delay, and claim the changes seen so
        far (later ones wake the worker again); False when there are none or when stopping."""
        while not self._stop.is_set():
            with self._lock:
                if self._changed_at is None:
                    self._wake.clear()
                    return False
                quiet = self.delay - (time.monotonic() - self._changed_at)
                if quiet <= 0:
                    self._changed_at = None
                    self._wake.clear()
                    return True
            self._stop.wait(quiet)
        return False

    def _sync_once(self) -> None:
        self._syncing.set()
        try:
            report = self.sync()
        except IndexBusyError as exc:
            self.log(f"watch: {exc}; trying again in {self.delay:g} s")
            self.changed()
            return
        except AssistantError as exc:
            self.log(f"watch: sync failed: {exc}")
            return
        except Exception as exc:  # a bug must not end the watching: say so, go on
            self.log(f"watch: unexpected error in the sync: {type(exc).__name__}: {exc}")
            return
        finally:
            self._syncing.clear()
        self.syncs += 1
        skipped = {(s.path, s.reason) for s in report.skipped}
        for path, reason in sorted(skipped - self._skipped):  # new ones only, not every time
            self.log(f"watch: skipped {path}: {reason}")
        self._skipped = skipped
        self.log(f"watch: {report.summary()}")


def of(settings: Settings, sync: Callable[[], IndexReport], log: Log) -> CorpusWatcher:
    """The watcher of the settings' corpus folder, with their delay and way of watching (not
    started)."""
    return CorpusWatcher(
        settings.corpus_dir, sync, log, delay=settings.watch_delay,
        polling=settings.watch_polling, ignore=(settings.index_dir,),
    )  # fmt: skip


def index_and_watch(service: Any, rebuild: bool, log: Log) -> int:
    """`assistant index --watch`: sync now (a rebuild first with `rebuild`), then after every
    settled change, until Ctrl-C or SIGTERM; progress and summaries as log lines."""
    import contextlib
    import signal
    from functools import partial

    def progress(done: int, total: int) -> None:
        log(f"embedding {done}/{total} texts")

    if rebuild:
        log(service.sync(rebuild=True, progress=progress).summary())
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    watcher = of(service.settings, partial(service.sync, progress=progress), log)
    with watcher, contextlib.suppress(KeyboardInterrupt):
        stop.wait()
    return 0
