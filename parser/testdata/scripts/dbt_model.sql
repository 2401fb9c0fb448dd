-- dialect: snowflake
-- vars: target_schema=analytics
-- A dbt model: jinja config, ref() and source(), and an unknown variable.
{{ config(materialized='table') }}
create table {{ target_schema }}.fct_orders as
with orders as (
    select * from {{ source('shop', 'orders') }}
), payments as (
    select * from {{ ref('stg_payments') }}
    where created_at > '{{ start_date }}'
)
select o.id, sum(p.amount) as amount
from orders o left join payments p on p.order_id = o.id
group by 1
