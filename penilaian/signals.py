"""What penilaian tells the apps downstream of it (they listen; penilaian imports none)."""

from django.dispatch import Signal

# Sent inside penetapan's transaction with ``run``: a run was published (laporan freezes its
# open data files once the transaction commits).
run_published = Signal()
