"""Great Expectations checks of the warehouse (issue 4).

    expectations/suites/*.py       one module per suite: the DataFrame it validates (DuckDB SQL that returns
                                   small aggregates, never the big ledgers row by row) and its expectations
    expectations/checkpoint.py     run_checkpoint(warehouse_file, run_id): one GX checkpoint over every
                                   suite, Data Docs beside the warehouse, results in audit.check_runs /
                                   audit.check_results
    audit.finding_acks             error findings an analyst has acknowledged (jixiao ack, the 核对发现处理
                                   page; app/workflow/acks.py): the findings suite reports every other
                                   error finding

Two kinds of suite:

- ``integrity``: the data and the marts are what the contract says (types, ranges, allowed values, keys,
  scores within weights, totals = sums). A failure means the build is wrong: the checkpoint raises
  ``ChecksFailed`` (a ``BuildFailed``) and the pipeline does not swap the build in.
- ``findings``: what reconciliation found in the submissions. Findings are results, not crashes: these
  suites are reported (summary, Data Docs, audit tables) and never fail a build.

Nothing in this package's ``__init__`` imports great_expectations (its import takes ~4–5 s): GX is imported
only when the checkpoint actually runs. The kinds' names live in ``expectations.kinds``.
"""
