"""gunicorn's settings for `make run` (`gunicorn --config portal/gunicorn_run.py portal.wsgi`), above all for its
embedded default (SQLite, tasks in-process, a local-memory cache). Production runs gunicorn as the Dockerfile says.

One process, many threads: the embedded mode keeps its cache, its rate-limit counters and its in-process task queue
in memory, which a second process would not share. A burst of phones (a county trying the portal at a job fair)
waits in the listen queue and the threads take it in turn; SQLite's writes queue behind one lock (WAL and a busy
timeout, portal/settings.py). Django's development server answered such a burst with connection resets.
tests/portal/test_embedded_server.py fires 100 simultaneous bookings at a server started with this file.
"""

bind = "127.0.0.1:8000"
workers = 1
worker_class = "gthread"
threads = 8
# Connections accepted but not yet served wait here instead of being refused.
backlog = 2048
# Longer than the SQLite busy timeout, so a request waiting for the write lock is answered, not killed.
timeout = 60
accesslog = "-"
# gunicorn would put its control socket under $HOME, which need not be writable.
control_socket_disable = True
