{#
    Raw tables keep every submission's rows (the history). This picks the current version of each
    department-year (or department, for `departments`):
      1. a submission whose budget ledger covers that department-year beats one that only mentions it
         (a 2023 file restating 2022 “三公” figures does not overwrite the 2022 submission);
      2. among those, the latest loaded (audit.submissions.load_seq) wins, so a corrected file replaces
         the department-years it contains, and only those.
    All rows of the winning submission for the partition are kept (dense_rank = 1).
    ledger_first=false drops rule 1 (evaluator scores: the latest loaded wins, see stg_qualitative_scores).
#}
{% macro current_version(source_relation, partition_by=['dept_code', 'fiscal_year'], ledger_first=true) -%}
    {%- set by_ledger = ledger_first and 'fiscal_year' in partition_by -%}
    select versioned.*
    from (
        select
            src.*,
            dense_rank() over (
                partition by {% for c in partition_by %}src.{{ c }}{% if not loop.last %}, {% endif %}{% endfor %}
                order by
                    {% if by_ledger -%}
                    case when covers.submission_id is not null then 0 else 1 end,
                    {%- endif %}
                    subs.load_seq desc
            ) as version_rank
        from {{ source_relation }} as src
        inner join {{ source('audit', 'submissions') }} as subs
            on subs.submission_id = src._submission_id
        {% if by_ledger -%}
        left join (
            select distinct _submission_id as submission_id, dept_code, fiscal_year
            from {{ source('raw', 'budget_ledger') }}
        ) as covers
            on covers.submission_id = src._submission_id
            and covers.dept_code = src.dept_code
            and covers.fiscal_year = src.fiscal_year
        {%- endif %}
    ) as versioned
    where versioned.version_rank = 1
{%- endmacro %}
