-- 评价体系维表：每个评价体系一行（seeds/frameworks.csv），附报告标题（未填时为“部门整体支出绩效评价报告”）、
-- 是否按项目评分、是否字母等级、等级个数与等级列表。看板与评价报告只从这里读评价体系的属性。
with frameworks as (
    -- the seed's row order is the order frameworks are listed in (hn_dept_overall first)
    select
        *,
        {{ seed_row_number() }} as seed_row
    from {{ ref('frameworks') }}
),

grades as (
    select * from {{ ref('framework_grades') }}
),

grade_lists as (
    select
        framework_code,
        count(*) as grade_count,
        {{ dbt.listagg('grade', "'、'", 'order by sort_order') }} as grade_list
    from grades
    group by framework_code
),

final as (
    select
        frameworks.framework_code,
        frameworks.framework_name,
        coalesce(frameworks.report_title, '部门整体支出绩效评价报告') as report_title,
        frameworks.source_doc,
        frameworks.scope,
        frameworks.scoring_mode,
        frameworks.total_weight,
        frameworks.grade_basis,
        frameworks.description,
        cast(frameworks.seed_row as integer) as sort_order,
        frameworks.scope = 'project' as is_project,
        frameworks.scoring_mode = 'letter' or frameworks.grade_basis = 'letter' as is_letter,
        cast(coalesce(grade_lists.grade_count, 0) as integer) as grade_count,
        grade_lists.grade_list
    from frameworks
    left join grade_lists
        on grade_lists.framework_code = frameworks.framework_code
)

select * from final
