-- Rendered by `manage_all.py render-config` from the service registry (common/src/common/compose.py). Do not edit.
-- The postgres image runs it as POSTGRES_USER on the first start of an empty volume.
CREATE DATABASE pharma_auth;
CREATE DATABASE pharma_catalog;
CREATE DATABASE pharma_orders;
CREATE DATABASE pharma_rx;
CREATE DATABASE pharma_pricing;
