"""Demo people: the auth_svc user ids that other services' demo data refers to.

auth_svc's ``seed`` (``tokens.seed.USERS``) creates each demo user with its id here when
that id is free, as on a fresh auth database. Where another user already holds it, the demo
user gets a new id instead, and other services' demo data referring to the id points
at that other person. Read only by the seeds and tests.
"""

DEMO_ADMIN_ID = 1
DEMO_DISTRIBUTOR_ID = 2
DEMO_HOSPITAL_A_ID = 3
DEMO_HOSPITAL_B_ID = 4
DEMO_PHARMACY_ID = 5
DEMO_PHARMACIST_ID = 6
DEMO_PATIENT_ID = 7

USERNAMES = {
    DEMO_ADMIN_ID: "admin",
    DEMO_DISTRIBUTOR_ID: "distributor",
    DEMO_HOSPITAL_A_ID: "hospital_a",
    DEMO_HOSPITAL_B_ID: "hospital_b",
    DEMO_PHARMACY_ID: "pharmacy",
    DEMO_PHARMACIST_ID: "pharmacist",
    DEMO_PATIENT_ID: "patient",
}
