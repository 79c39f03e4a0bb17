"""Orders' writes, one module per idea: the status machines (``transitions``), placing an
order (``placement``), undoing a placement's steps (``compensation``), cancelling
(``cancel``) and the lots an order holds (``lots``). Shipping and proof of delivery are in
``fulfillment.services``."""
