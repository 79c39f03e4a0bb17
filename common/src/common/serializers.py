"""Serializers of hot paths that build their fields once: answers (``ColumnsOut``) and
request bodies (``FieldsBuiltOnce``).

DRF builds a ``ModelSerializer``'s fields anew for every instance (model introspection,
field classes, validators): about a fifth of the CPU of a one-row read such as a drug's
detail. A serializer whose fields are plain columns (JSON ones included), or nested
serializers made of such fields (``LineOut(many=True)`` over a reverse foreign key), needs
none of that per request: its fields depend only on its class, and their
``to_representation`` reads nothing but the value.
:class:`ColumnsOut` builds them on the first answer and reuses them for every later one; the
output is exactly the ``ModelSerializer``'s, and the OpenAPI schema is generated as before.
"""

from collections.abc import Mapping

from rest_framework import fields, relations, serializers

# Field types whose representation depends only on the value: no request, no context, no
# parent. A nested serializer or a method field would need the instance's own serializer.
_STATELESS = (
    fields.BooleanField,
    fields.CharField,
    fields.ChoiceField,
    fields.DateField,
    fields.DateTimeField,
    fields.DecimalField,
    fields.FloatField,
    fields.IntegerField,
    fields.JSONField,
    fields.ReadOnlyField,
    fields.UUIDField,
    relations.PrimaryKeyRelatedField,
)


class ColumnsOut(serializers.ModelSerializer):
    """A read-only ``ModelSerializer`` over plain columns whose fields are built once per class.

    Use it for answers (``Thing(instance).data``, list views); it raises ``TypeError`` on its
    first answer if ``Meta.fields`` names anything but a plain column, a foreign key's id or a
    nested serializer (``many=True`` or not) made of such fields.
    """

    def to_representation(self, instance):
        answer = {}
        # A model's own column is read as the attribute it is; DRF's look-up (a dotted
        # source, a callable, a mapping's key) is for the rest, and for rows given as dicts.
        columns_are_attributes = not isinstance(instance, Mapping)
        for name, field, column in _readable_fields(type(self)):
            if column is not None and columns_are_attributes:
                attribute = getattr(instance, column)
            else:
                attribute = field.get_attribute(instance)
            value = attribute.pk if isinstance(attribute, relations.PKOnlyObject) else attribute
            answer[name] = None if value is None else field.to_representation(attribute)
        return answer


def _readable_fields(
    serializer_class: type[ColumnsOut],
) -> list[tuple[str, fields.Field, str | None]]:
    """Each readable field with the model column it shows, when it shows one as it is (not a
    relation): DRF's ``get_attribute`` would find the same value."""
    # Kept on the class itself (not inherited), so a subclass builds its own.
    built = serializer_class.__dict__.get("_columns_out_fields")
    if built is None:
        template = serializer_class()
        model = serializer_class.Meta.model
        plain = {f.name for f in model._meta.concrete_fields if not f.is_relation}
        built = []
        for field in template._readable_fields:
            if not _stateless(field):
                raise TypeError(
                    f"{serializer_class.__name__}.{field.field_name} is a "
                    f"{type(field).__name__}, whose answer depends on more than its value: "
                    "use a ModelSerializer."
                )
            plain_column = field.source in plain and not isinstance(field, relations.RelatedField)
            built.append((field.field_name, field, field.source if plain_column else None))
        serializer_class._columns_out_fields = built
    return built


def _stateless(field: fields.Field) -> bool:
    # A nested serializer (many=True: its child) is built once with the template, so its own
    # fields are reused too; it qualifies when every one of them does.
    if isinstance(field, serializers.ListSerializer):
        return _stateless(field.child)
    if isinstance(field, serializers.Serializer):
        return all(_stateless(nested) for nested in field._readable_fields)
    return isinstance(field, _STATELESS)


# A serializer whose fields are built and bound once per class, not per request: a request
# body, or an answer that is not a model's columns (which ``ColumnsOut`` serves).
# DRF deep-copies a serializer's declared fields, a nested serializer's with them, for each
# instance it makes: an eighth of a quote's CPU. Fields that keep nothing between calls (plain
# fields and nested serializers of them, no context, no ``partial``) can serve every request,
# in any thread: validating keeps its state in the serializer being validated, and each
# request's serializer still keeps its own data, errors and validated data. (No docstring:
# the API schema would show it as every subclass's description.)
class FieldsBuiltOnce:
    @property
    def fields(self):
        serializer_class = type(self)
        # Kept on the class itself (not inherited), so a subclass builds its own.
        built = serializer_class.__dict__.get("_fields_built_once")
        if built is None:
            built = super(FieldsBuiltOnce, serializer_class()).fields
            serializer_class._fields_built_once = built
        return built
