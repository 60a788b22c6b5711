-- Every payment with the store of the rented copy (as Sakila's own sales_by_store counts it);
-- payments without a rental have no store.
SELECT payment.*,
       inventory.store_id AS store_id
FROM payment
LEFT JOIN rental ON rental.rental_id = payment.rental_id
LEFT JOIN inventory ON inventory.inventory_id = rental.inventory_id
