"""The analysts' workflow (issue 17): uploads, evaluator scores, finding acknowledgements, the operation log.

Everything here that changes the warehouse goes through the one atomic pipeline (``app.pipeline.build``):
copy the live file, write on the copy, run the checks, swap. Its build lock queues two writers; nothing is
ever written into the repository or into the live file in place.
"""
