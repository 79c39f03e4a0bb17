"""The DSCSA transaction record of a shipment: transaction information (TI), transaction
history (TH) and transaction statement (TS), built from the order as it ships."""

from common.clients.auth import Organization
from orders.models import Order

STATEMENT = (
    "The seller, {seller}, is authorized as required under the Drug Supply Chain Security Act; "
    "received the product from a person that is authorized as required under the Act; "
    "received transaction information and a transaction statement from the prior owner of the "
    "product, as required under section 582 of the Act; did not knowingly ship a suspect or "
    "illegitimate product; had systems and processes in place to comply with verification "
    "requirements under section 582 of the Act; did not knowingly provide false transaction "
    "information; and did not knowingly alter the transaction history."
)


def _party(org_id: int | None, organization: Organization | None, patient: str) -> dict:
    """A party by id, named by auth when it answered (a patient has no organization)."""
    if organization is not None:
        name = organization.name
    else:
        name = f"organization {org_id}" if org_id is not None else f"patient {patient}"
    return {"organization": org_id, "name": name}


def transaction_record_document(
    *, order: Order, seller: Organization | None, buyer: Organization | None
) -> dict:
    shipped_on = order.shipped_at.date().isoformat()
    seller_party = _party(order.seller_org, seller, "")
    buyer_party = _party(order.buyer_org, buyer, order.buyer_user)
    products = [
        {
            "product_name": line.name,
            "strength": line.strength,
            "dosage_form": line.dosage_form,
            "ndc": line.ndc,
            "container_size": line.pack_size,
            "number_of_containers": lot["quantity"],
            "lot_number": lot["lot_number"],
            "expiry_date": lot["expiry_date"],
        }
        for line in order.lines.all()
        for lot in line.shipped_lots
    ]
    return {
        "order": {"id": order.pk, "number": order.number},
        "transaction_information": {
            "transaction_date": shipped_on,
            "shipment_date": shipped_on,
            "seller": seller_party,
            "buyer": buyer_party,
            "products": products,
        },
        "transaction_history": [
            {"date": shipped_on, "from": seller_party, "to": buyer_party, "products": len(products)}
        ],
        "transaction_statement": STATEMENT.format(seller=seller_party["name"]),
    }
