"""Screens of jury work, one module per screen group: ``juries`` and ``assignment`` (the
admin's), ``verification`` and ``objections`` (jury, operator and admin), ``presentations``
(the admin's schedule and the jury's scores) and ``oversight`` (the admin's)."""
