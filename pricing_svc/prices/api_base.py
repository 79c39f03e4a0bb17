"""The shape every list-and-create endpoint of this service shares (HackSoft: the view only
validates, calls one service and serializes)."""

from rest_framework import generics, serializers, status
from rest_framework.response import Response

from common.idempotency import idempotent
from prices.permissions import PRICING_SCOPES


class ListCreateApi(generics.ListAPIView):
    """``GET`` lists ``get_queryset()`` with ``serializer_class``; ``POST`` validates
    ``input_serializer_class``, hands the data to ``create`` (one service call) and answers
    201 with the new object read back through ``get_queryset()``, as ``created_serializer_class``
    shows it. ``Idempotency-Key`` is honoured: a repeat answers the first result."""

    required_scopes = PRICING_SCOPES

    input_serializer_class: type[serializers.Serializer]
    created_serializer_class: type[serializers.Serializer] | None = None

    def create(self, data: dict):
        raise NotImplementedError

    @idempotent()
    def post(self, request):
        serializer = self.input_serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        created = self.get_queryset().get(pk=self.create(serializer.validated_data).pk)
        shape = self.created_serializer_class or self.serializer_class
        return Response(shape(created).data, status=status.HTTP_201_CREATED)
