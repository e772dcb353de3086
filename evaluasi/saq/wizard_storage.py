"""Session storage for the SAQ wizard that writes the session only when something changed.

formtools' SessionStorage marks the session modified on every read, so every page view of
the wizard would write the session (a database write and a commit). The SAQ keeps its
answers in the database anyway; the wizard only needs its current step and the step data
of a POST, so only those changes are saved.
"""

from formtools.wizard.storage.session import SessionStorage


class QuietSessionStorage(SessionStorage):
    def _get_data(self):
        return self.request.session[self.prefix]

    def _set_data(self, value):
        self.request.session[self.prefix] = value

    data = property(_get_data, _set_data)

    def _changed(self):
        self.request.session.modified = True

    def _set_current_step(self, step):
        if self.data[self.step_key] != step:
            self.data[self.step_key] = step
            self._changed()

    def _set_extra_data(self, extra_data):
        super()._set_extra_data(extra_data)
        self._changed()

    def set_step_data(self, step, cleaned_data):
        super().set_step_data(step, cleaned_data)
        self._changed()

    def set_step_files(self, step, files):
        super().set_step_files(step, files)
        self._changed()

    def reset(self):
        super().reset()
        self._changed()
