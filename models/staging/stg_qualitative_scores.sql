-- 定性指标评分：评价人的分数及依据。
-- 当前版本按 部门 × 年度 × 评价体系 选取：最后导入的、含该部门年度该体系评分的提交（audit.submissions.load_seq）。
-- 与其他模板不同，台账覆盖该年度的提交不优先：评价人评分通常单独报送（看板“评价人评分”页、jixiao score 生成的
-- qualitative_scores 提交，只含评分），它是评价人对该部门年度、该体系的最新意见，应当取代部门提交中的旧评分。
with source as (
    {{ current_version(source('raw', 'qualitative_scores'), partition_by=['dept_code', 'fiscal_year', 'framework_code'], ledger_first=false) }}
),

final as (
    select
        dept_code,
        fiscal_year,
        framework_code,
        indicator_code,
        score,
        scorer,
        evidence,
        {{ lineage_columns() }}
    from source
)

select * from final
