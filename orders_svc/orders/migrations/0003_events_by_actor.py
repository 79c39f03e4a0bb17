"""Who did it, in the platform's one actor format (``Principal.actor``): the order events'
``by`` and the webhook endpoints' ``created_by``.

Before, a person was recorded by their username when their token carried one (the API and
the back office alike), else as ``user:<id>``; machines as ``client:<id>`` and jobs as
``system:<job>`` (both unchanged). A username is converted where the database itself says
whose it is: the person who placed an order is its ``buyer_user`` (their auth user id) and
wrote its ``pending`` event, so that username becomes ``user:<buyer_user>`` on every event it
signed (placing, cancelling, receiving, or acting in the admin through the SSO) and on every
webhook endpoint it registered.

What cannot be converted is left as it was (a bare username, no ``:``): people who never
placed an order (distributor staff who shipped, admins) and local admin accounts; orders'
database does not know their user ids. The reverse leaves the converted rows as they are.
"""

from django.db import migrations


def usernames_to_actors(apps, schema_editor):
    OrderEvent = apps.get_model("orders", "OrderEvent")
    placed = OrderEvent.objects.filter(from_status="", to_status="pending").exclude(
        by__contains=":"
    )
    user_ids: dict[str, str] = {}
    for username, buyer_user in placed.values_list("by", "order__buyer_user").distinct():
        if not buyer_user.startswith("client:"):
            user_ids.setdefault(username, buyer_user)
    Endpoint = apps.get_model("webhooks", "Endpoint")
    for username, user_id in user_ids.items():
        OrderEvent.objects.filter(by=username).update(by=f"user:{user_id}")
        Endpoint.objects.filter(created_by=username).update(created_by=f"user:{user_id}")


class Migration(migrations.Migration):
    dependencies = [("orders", "0002_currency_validated"), ("webhooks", "0001_initial")]

    operations = [migrations.RunPython(usernames_to_actors, migrations.RunPython.noop)]
