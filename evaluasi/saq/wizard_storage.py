"""Storage for the SAQ wizard that keeps nothing between requests.

The SAQ keeps its answers in the database (every step saves them, autosave too) and the step
is in the URL (and, on a POST, in the wizard's management form), so the wizard has nothing
to remember. formtools' session storage wrote the session on every step change — a database
write and a commit on most page views of the busiest screen — for data that was never read.
"""

from formtools.wizard.storage.base import BaseStorage


class RequestStorage(BaseStorage):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.init_data()
