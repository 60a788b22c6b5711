-- description: Customers with rentals not yet returned, most open rentals first.
-- param store_id: UInt8, required, min 1, max 255, "Store the rentals were made at"
-- param min_open: UInt16, default 1, min 1, "Only customers with at least this many open rentals"
SELECT r.customer_id AS customer_id, cu.first_name AS first_name, cu.last_name AS last_name,
       count() AS open_rentals, min(r.rental_date) AS oldest_rental
FROM sakila.rental AS r
INNER JOIN sakila.inventory AS i ON i.inventory_id = r.inventory_id
INNER JOIN sakila.customer AS cu ON cu.customer_id = r.customer_id
WHERE r.return_date IS NULL AND i.store_id = {store_id:UInt8}
GROUP BY customer_id, first_name, last_name
HAVING open_rentals >= {min_open:UInt16}
ORDER BY open_rentals DESC, customer_id
