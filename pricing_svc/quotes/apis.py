"""Quotes: buyers price a basket for their own organization, services for any."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response

from common.idempotency import idempotent
from common.permissions import has_role, service_scope
from prices.permissions import Buyer
from quotes import selectors, services
from quotes.models import Quote
from quotes.serializers import QuoteInputSerializer, QuoteSerializer

QUOTE_SCOPE = "pricing:quote"
QuoteService = service_scope(QUOTE_SCOPE)
# Services price for any buyer, integrations for their own organization: one scope for both.
QUOTE_SCOPES = {"read": QUOTE_SCOPE, "write": QUOTE_SCOPE}


class QuoteCreateApi(generics.GenericAPIView):
    required_scopes = QUOTE_SCOPES
    permission_classes = [Buyer | QuoteService]
    serializer_class = QuoteSerializer

    @extend_schema(request=QuoteInputSerializer, responses={201: QuoteSerializer})
    @idempotent()
    def post(self, request):
        serializer = QuoteInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        buyer_org, buyer_org_type = services.quote_buyer(
            principal=request.user,
            buyer_org=data["buyer_org"],
            buyer_org_type=data["buyer_org_type"],
        )
        quote = services.quote_create(
            buyer_org=buyer_org,
            buyer_org_type=buyer_org_type,
            lines=data["lines"],
            requested_by=request.user.actor,
        )
        # quote_buyer made it the caller's: answered as stored, without reading it back
        return Response(QuoteSerializer(quote).data, status=status.HTTP_201_CREATED)


class QuoteDetailApi(generics.RetrieveAPIView):
    """A stored quote: for its buyer organization, services and admins (others: 404)."""

    required_scopes = QUOTE_SCOPES

    permission_classes = [Buyer | QuoteService | has_role("admin")]
    serializer_class = QuoteSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no caller
            return Quote.objects.none()
        return selectors.quotes_visible_to(self.request.user)
