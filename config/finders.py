"""A static-files finder that exposes chosen files from ``node_modules`` (installed by ``npm ci``).

Only the files listed in VENDOR are published, so ``collectstatic`` copies two files rather
than the 50 MB of ECharts' dist folder. Assets never come from a CDN at run time.
"""

from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.finders import BaseFinder
from django.core.checks import Warning as CheckWarning
from django.core.files.storage import FileSystemStorage

VENDOR = {
    "vendor/echarts/echarts.min.js": "echarts/dist/echarts.min.js",
    "vendor/htmx/htmx.min.js": "htmx.org/dist/htmx.min.js",
}


class NodeModulesFinder(BaseFinder):
    """Find the vendored front-end files under ``BASE_DIR/node_modules``."""

    def __init__(self, *args, **kwargs):
        self.root = Path(settings.BASE_DIR) / "node_modules"

    def check(self, **kwargs):
        missing = [rel for rel in VENDOR.values() if not (self.root / rel).is_file()]
        if missing:
            return [
                CheckWarning(
                    f"Front-end files missing: {', '.join(missing)}. Run `npm ci`.",
                    id="grid.W001",
                )
            ]
        return []

    def find(self, path, find_all=False, **kwargs):
        candidate = self.root / VENDOR[path] if path in VENDOR else None
        hit = str(candidate) if candidate and candidate.is_file() else None
        if find_all:
            return [hit] if hit else []
        return hit

    def list(self, ignore_patterns):
        for url, rel in VENDOR.items():
            source = self.root / rel
            if source.is_file():
                storage = FileSystemStorage(location=str(source.parent))
                storage.prefix = str(Path(url).parent)
                yield source.name, storage
