"""jixiao application: the `jixiao` command, the build pipeline, the dashboard and reports."""
