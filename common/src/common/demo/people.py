"""Demo people: the auth_svc user ids that other services' demo data refers to.

auth_svc's ``seed`` creates its demo users in this order (``tokens.seed.USERS``), so on a
fresh auth database these are their ids. auth's seed does not pin ids: on a database that
had other users first they differ, and seeds referring to them would point at the wrong
person. Never used outside ``seed`` and tests.
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
