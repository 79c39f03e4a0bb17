"""Thin views of the catalog API: drugs (search, create, change) and warehouses."""

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.filters import SEARCH_MAX_LENGTH, DrugFilter
from catalog.models import Drug, Warehouse
from catalog.principals import owner_scope
from catalog.selectors import drug_list, drug_search_all, warehouse_list
from catalog.serializers import DrugIn, DrugOut, WarehouseIn, WarehouseOut
from catalog.services import drug_create, drug_update, warehouse_create
from common.errors import ValidationFailed
from common.idempotency import idempotent
from common.pagination import PageNumberPagination, WindowCountPagination
from common.permissions import has_role
from common.pk_lookup import get_by_pk
from common.scopes import resource_scopes

Distributors = has_role("distributor", "admin")
CATALOG_SCOPES = resource_scopes("catalog")


def _readers_or_editors(request) -> list:
    return [IsAuthenticated()] if request.method == "GET" else [Distributors()]


def _drug_or_404(drug_id: int) -> Drug:
    drug = get_by_pk(Drug, drug_id)
    if drug is None:
        raise Http404
    return drug


# Query parameters a search may come with and still skip DrugFilter: the paginator's.
_SEARCH_ALONE = frozenset({"search", "page", "page_size"})


def _search_alone(params) -> str | None:
    """The search of a request that has no other filter, when DrugFilter's form would take it
    as it is: stripped, at most its ``max_length``, no NUL (Django's CharField). Else None."""
    if not params.keys() <= _SEARCH_ALONE:
        return None
    query = params.get("search", "").strip()
    if not query or len(query) > SEARCH_MAX_LENGTH or "\x00" in query:
        return None
    return query


class DrugListCreateApi(generics.ListAPIView):
    required_scopes = CATALOG_SCOPES
    serializer_class = DrugOut
    filterset_class = DrugFilter

    def get_permissions(self):
        return _readers_or_editors(self.request)

    def get_queryset(self):
        return drug_list()

    def filter_queryset(self, queryset):
        """A search with only the page's parameters (the bulk of the catalog's reads) does
        not build DrugFilter and its form, the search being all they would apply. A value
        the form would refuse still goes through it, so that the 400 is the form's."""
        query = _search_alone(self.request.query_params)
        if query is None:
            return super().filter_queryset(queryset)
        return drug_search_all(query=query)

    @property
    def paginator(self):
        """A search sorts every match before its first row, so its count comes with the page
        (one statement: the search runs once); a plain listing reads its index only up to the
        page's last row and counts apart."""
        if not hasattr(self, "_paginator"):
            searching = bool(self.request.query_params.get("search", "").strip())
            self._paginator = WindowCountPagination() if searching else PageNumberPagination()
        return self._paginator

    @extend_schema(request=DrugIn, responses={status.HTTP_201_CREATED: DrugOut})
    @idempotent()
    def post(self, request):
        payload = DrugIn(data=request.data)
        payload.is_valid(raise_exception=True)
        drug = drug_create(**payload.validated_data)
        return Response(DrugOut(drug).data, status=status.HTTP_201_CREATED)


class DrugDetailApi(APIView):
    required_scopes = CATALOG_SCOPES

    def get_permissions(self):
        return _readers_or_editors(self.request)

    @extend_schema(responses=DrugOut)
    def get(self, request, drug_id: int):
        return Response(DrugOut(_drug_or_404(drug_id)).data)

    @extend_schema(request=DrugIn(partial=True), responses=DrugOut)
    def patch(self, request, drug_id: int):
        drug = _drug_or_404(drug_id)
        payload = DrugIn(data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        drug = drug_update(drug=drug, changes=dict(payload.validated_data))
        return Response(DrugOut(drug).data)


class WarehouseListCreateApi(generics.ListAPIView):
    required_scopes = resource_scopes("inventory")
    permission_classes = [Distributors]
    queryset = Warehouse.objects.none()  # the model, for the schema; get_queryset scopes
    serializer_class = WarehouseOut

    def get_queryset(self):
        return warehouse_list(owner_org=owner_scope(self.request.user))

    @extend_schema(request=WarehouseIn, responses={status.HTTP_201_CREATED: WarehouseOut})
    @idempotent()
    def post(self, request):
        payload = WarehouseIn(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        scope = owner_scope(request.user)
        if scope is None and "owner_org" not in data:
            raise ValidationFailed(
                "Say which distributor owns the warehouse.",
                code="owner_org_required",
                extra={"errors": {"owner_org": ["This field is required for admins."]}},
            )
        warehouse = warehouse_create(
            name=data["name"],
            address=data["address"],
            owner_org=data.get("owner_org") if scope is None else scope,
        )
        return Response(WarehouseOut(warehouse).data, status=status.HTTP_201_CREATED)
