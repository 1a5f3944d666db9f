"""Jobs run in threads released together, for the concurrency tests on PostgreSQL."""

import threading

from django.db import close_old_connections, connection


def run_at_once(jobs, *, expected=()):
    """Run the jobs in threads released together; their results, and the errors of the `expected` types."""
    barrier = threading.Barrier(len(jobs))
    results, errors = [], []

    def run(job):
        try:
            barrier.wait()
            results.append(job())
        except expected as refusal:
            results.append(refusal)
        except Exception as error:  # noqa: BLE001 (reported below)
            errors.append(error)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    return results
