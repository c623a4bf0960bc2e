-- Runs once, on first start of an empty data volume (docker-entrypoint-initdb.d).
-- One database per service; owned by the compose user (POSTGRES_USER=orderline).
CREATE DATABASE orderline_gateway;
CREATE DATABASE orderline_order;
CREATE DATABASE orderline_logistics;
CREATE DATABASE orderline_after_sales;
CREATE DATABASE orderline_credit_billing;
CREATE DATABASE orderline_export;
