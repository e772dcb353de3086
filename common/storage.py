"""Storage for uploads that must never be served directly (evidence, imported workbooks).

The location is read from ``settings.PRIVATE_ROOT`` on every use rather than once, so that a
deployment (or a test) that changes the setting is honoured everywhere, including by file
fields whose storage was bound when the models loaded.
"""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages


def private_storage():
    """Storage for uploads that are served only through permission-checked views."""
    return storages["private"]


class PrivateStorage(FileSystemStorage):
    def __init__(self, **kwargs):
        kwargs["base_url"] = None
        super().__init__(**kwargs)

    @property
    def base_location(self):
        return self._value_or_setting(self._location, settings.PRIVATE_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("Private files have no public URL; serve them through a view.")
