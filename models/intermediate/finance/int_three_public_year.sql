-- “三公”经费：每个部门年度一行，本年预算数与决算数。
--   车辆：公务用车购置费 + 公务用车运行维护费（两项都分列时）；否则取车辆组“公务用车购置及运行费”
--         （只分列一项时那一项是车辆组的一部分）；没有车辆组时取给出的分项；
--   合计 = 因公出国(境)费 + 车辆 + 公务接待费；只报合计行时（或某项未知而合计行已填）取合计行。
-- 空白 = 未知：任何一项的预算数（或决算数）未知，合计即未知（null），从不当作 0。
with items as (
    select * from {{ ref('stg_three_public') }}
),

totals as (
    select
        dept_code,
        fiscal_year,
        max(budget) as budget,
        max(actual) as actual
    from {{ ref('stg_three_public_totals') }}
    group by dept_code, fiscal_year
),

by_year as (
    select
        dept_code,
        fiscal_year,
        sum(case when item in ('因公出国(境)费', '公务接待费') then 1 else 0 end) as other_items,
        sum(case when item in ('公务用车购置费', '公务用车运行维护费') then 1 else 0 end) as vehicle_parts,
        count(distinct case when item in ('公务用车购置费', '公务用车运行维护费') then item end) as vehicle_part_kinds,
        sum(case when item = '公务用车购置及运行费' then 1 else 0 end) as vehicle_groups,
        {{ strict_sum('budget', "item in ('因公出国(境)费', '公务接待费')") }} as other_budget,
        {{ strict_sum('actual', "item in ('因公出国(境)费', '公务接待费')") }} as other_actual,
        {{ strict_sum('budget', "item in ('公务用车购置费', '公务用车运行维护费')") }} as vehicle_parts_budget,
        {{ strict_sum('actual', "item in ('公务用车购置费', '公务用车运行维护费')") }} as vehicle_parts_actual,
        {{ strict_sum('budget', "item = '公务用车购置及运行费'") }} as vehicle_group_budget,
        {{ strict_sum('actual', "item = '公务用车购置及运行费'") }} as vehicle_group_actual
    from items
    group by dept_code, fiscal_year
),

-- 车辆：购置与运行维护都分列时为两者之和（车辆组是它们的小计）；只给了其中一项时，那一项只是车辆组的一部分
-- （“其中：购置费”），车辆取车辆组；没有车辆组时取给出的分项
use_parts as (
    select
        by_year.*,
        by_year.vehicle_parts > 0 and (by_year.vehicle_groups = 0 or by_year.vehicle_part_kinds = 2) as vehicle_from_parts
    from by_year
),

item_sums as (
    select
        dept_code,
        fiscal_year,
        other_items + case when vehicle_from_parts then vehicle_parts else vehicle_groups end as items,
        vehicle_from_parts,
        vehicle_parts,
        vehicle_groups,
        vehicle_parts_budget,
        vehicle_parts_actual,
        vehicle_group_budget,
        vehicle_group_actual,
        other_budget + case when vehicle_from_parts then vehicle_parts_budget else vehicle_group_budget end as budget,
        other_actual + case when vehicle_from_parts then vehicle_parts_actual else vehicle_group_actual end as actual
    from use_parts
),

final as (
    select
        coalesce(i.dept_code, t.dept_code) as dept_code,
        coalesce(i.fiscal_year, t.fiscal_year) as fiscal_year,
        coalesce(i.items, 0) as items,
        coalesce(i.vehicle_parts, 0) as vehicle_parts,
        coalesce(i.vehicle_from_parts, false) as vehicle_from_parts,
        coalesce(i.vehicle_groups, 0) as vehicle_groups,
        cast(i.vehicle_parts_budget as decimal(18, 2)) as vehicle_parts_budget,
        cast(i.vehicle_parts_actual as decimal(18, 2)) as vehicle_parts_actual,
        cast(i.vehicle_group_budget as decimal(18, 2)) as vehicle_group_budget,
        cast(i.vehicle_group_actual as decimal(18, 2)) as vehicle_group_actual,
        cast(i.budget as decimal(18, 2)) as items_budget,
        cast(i.actual as decimal(18, 2)) as items_actual,
        -- 各项之和；未知（或没有项目）时取合计行
        cast(coalesce(i.budget, t.budget) as decimal(18, 2)) as budget,
        cast(coalesce(i.actual, t.actual) as decimal(18, 2)) as actual
    from item_sums as i
    full outer join totals as t
        on t.dept_code = i.dept_code and t.fiscal_year = i.fiscal_year
)

select * from final
