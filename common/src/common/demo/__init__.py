"""Demo data every service's ``seed`` agrees on (services never read each other's tables, so
shared demo ids are fixed here). Read by the seeds, the demo orders and tests, and by one
setting as its local default: orders' ``ORDERS_SELLER_ORG`` (the distributor that fulfils
orders) is ACME_DISTRIBUTION unless the environment names another."""

# Organization ids in auth_svc; other services reference organizations by these ids.
ACME_DISTRIBUTION = 1  # distributor: Acme Pharma Distribution
ST_MARYS_HOSPITAL = 2  # hospital with DEA CII-CV and a state licence, and a contract
RIVERSIDE_GENERAL = 3  # hospital with a state licence only (no DEA), and a contract
CORNER_PHARMACY = 4  # pharmacy with DEA CIII-CV and a state licence

ORGANIZATIONS = {
    ACME_DISTRIBUTION: ("Acme Pharma Distribution", "distributor"),
    ST_MARYS_HOSPITAL: ("St. Mary's Hospital", "hospital"),
    RIVERSIDE_GENERAL: ("Riverside General", "hospital"),
    CORNER_PHARMACY: ("Corner Pharmacy", "pharmacy"),
}
