{#
    Spark (target `spark`, dbt-spark): what the project needs beyond dbt-spark's own macros. Everything
    here is dispatched, so DuckDB builds never reach it (README 「在集群上运行」).
#}

{#-
    The raw and audit sources as external Parquet tables, before a Spark run (an on-run-start hook).
    var('raw_parquet_dir') is the folder `jixiao export-raw --format parquet DIR` wrote: one folder per
    table, DIR/<schema>/<table>/ (e.g. DIR/raw/budget_ledger/). Dropping an external table keeps its files.
    DuckDB reads the sources from the warehouse file itself: nothing to do.
-#}
{% macro register_raw_sources() -%}
    {{ return(adapter.dispatch('register_raw_sources')()) }}
{%- endmacro %}

{% macro default__register_raw_sources() -%}
{%- endmacro %}

{% macro spark__register_raw_sources() -%}
    {%- if execute -%}
        {%- set root = var('raw_parquet_dir', none) -%}
        {%- if not root -%}
            {{ exceptions.raise_compiler_error("Spark reads the raw tables from Parquet: pass --vars '{raw_parquet_dir: DIR}' (DIR from `jixiao export-raw --format parquet DIR`)") }}
        {%- endif -%}
        {%- set schemas = [] -%}
        {%- for node in graph.sources.values() -%}
            {%- if node.schema not in schemas -%}
                {%- do run_query('create database if not exists ' ~ node.schema) -%}
                {%- do schemas.append(node.schema) -%}
            {%- endif -%}
            {%- set name = node.schema ~ '.' ~ node.identifier -%}
            {%- do run_query('drop table if exists ' ~ name) -%}
            {%- do run_query("create table " ~ name ~ " using parquet location '" ~ root ~ "/" ~ node.schema ~ "/" ~ node.identifier ~ "'") -%}
        {%- endfor -%}
    {%- endif -%}
{%- endmacro %}

{#-
    Seed rows as SQL literals. dbt-spark's loader formats the bindings into the SQL with Python's %, so an
    empty cell (None) arrives as the text 'None' (dbt-adapters bug), e.g. a level-2 code 'None' where the
    CSV has none. Here a blank cell is NULL, as on DuckDB, and a value is a quoted, escaped string cast to
    the column's type (Spark string literals use backslash escapes). COALESCE(1): one Parquet file per
    batch, in the CSV's row order (seed_row_number reads it back).
-#}
{% macro spark__load_csv_rows(model, agate_table) %}
    {%- set batch_size = get_batch_size() -%}
    {%- set column_override = model['config'].get('column_types', {}) -%}
    {%- set types = [] -%}
    {%- for col_name in agate_table.column_names -%}
        {%- do types.append(column_override.get(col_name, adapter.convert_type(agate_table, loop.index0))) -%}
    {%- endfor -%}
    {%- set statements = [] -%}
    {%- for chunk in agate_table.rows | batch(batch_size) -%}
        {%- set sql -%}
            insert into {{ this.render() }} select /*+ COALESCE(1) */ * from values
            {% for row in chunk -%}
                ({%- for value in row -%}
                    {%- if value is none -%}
                        cast(null as {{ types[loop.index0] }})
                    {%- else -%}
                        cast('{{ value | string | replace("\\", "\\\\") | replace("'", "\\'") }}' as {{ types[loop.index0] }})
                    {%- endif -%}
                    {%- if not loop.last %}, {% endif -%}
                {%- endfor -%})
                {%- if not loop.last %},{% endif %}
            {% endfor %}
        {%- endset -%}
        {%- do adapter.add_query(sql, abridge_sql_log=True) -%}
        {%- if loop.index0 == 0 -%}
            {%- do statements.append(sql) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(statements[0]) }}
{% endmacro %}

{#-
    listagg with its order on Spark: dbt-spark's version drops `order by` (a warning, then collect_list's
    arbitrary order: 11月、9月、6月). Sorting (key, value) structs and keeping the values gives the order;
    NULL values are skipped and a group with none is NULL, as DuckDB's string_agg. One ascending key.
-#}
{% macro spark__listagg(measure, delimiter_text, order_by_clause, limit_num) -%}
    {%- if order_by_clause -%}
        {%- set clause = order_by_clause | trim -%}
        {%- set key = clause[8:] | trim -%}
        {%- if clause[:8] | lower != 'order by' or ',' in key or ' ' in key -%}
            {{ exceptions.raise_compiler_error("listagg on Spark: one ascending key ('order by x'), not '" ~ clause ~ "'") }}
        {%- endif -%}
        {%- set collected -%}
            transform(sort_array(collect_list(named_struct('k', {{ key }}, 'v', {{ measure }}))), x -> x.v)
        {%- endset -%}
    {%- else -%}
        {%- set collected -%}collect_list({{ measure }}){%- endset -%}
    {%- endif -%}
    {%- if limit_num -%}
        {%- set collected -%}slice({{ collected }}, 1, {{ limit_num }}){%- endset -%}
    {%- endif -%}
    case when count({{ measure }}) > 0 then array_join({{ collected }}, {{ delimiter_text }}) end
{%- endmacro %}

{#-
    A model contract's column types are DuckDB's (models/marts/_*.yml: varchar, hugeint, timestamp).
    Spark's names for them: string (Spark's varchar needs a length), bigint (Spark sums integers as bigint
    where DuckDB's sum is a hugeint: equal values) and timestamp_ntz (DuckDB's timestamp has no time
    zone; Spark reads it from Parquet as timestamp_ntz). dbt-spark checks a contract by comparing the model's columns
    with casts of NULL to these types, so the translation here is all a Spark contract needs.
-#}
{% macro spark__get_empty_schema_sql(columns) %}
    {%- set spark_types = {'varchar': 'string', 'hugeint': 'bigint', 'timestamp': 'timestamp_ntz'} -%}
    {%- set translated = {} -%}
    {%- for name, col in columns.items() -%}
        {%- set copy = col.copy() -%}
        {%- if col.get('data_type') and col['data_type'] | lower in spark_types -%}
            {%- do copy.update({'data_type': spark_types[col['data_type'] | lower]}) -%}
        {%- endif -%}
        {%- do translated.update({name: copy}) -%}
    {%- endfor -%}
    {{ return(default__get_empty_schema_sql(translated)) }}
{% endmacro %}

{#-
    The row number of a seed's row in its CSV file (the order frameworks are listed in). DuckDB keeps a
    table's insertion order; Spark reads the seed's Parquet file in order (one file: the loader above
    coalesces each batch), and monotonically_increasing_id() numbers rows in that order.
-#}
{% macro seed_row_number() -%}
    {{ return(adapter.dispatch('seed_row_number')()) }}
{%- endmacro %}

{% macro default__seed_row_number() -%}
    row_number() over ()
{%- endmacro %}

{% macro spark__seed_row_number() -%}
    row_number() over (order by monotonically_increasing_id())
{%- endmacro %}
