-- description: Films rented most often between two days, optionally in one category and one store.
-- cache: 10s
-- param from: Date, default 2005-05-01, "First rental day (inclusive)"
-- param to: Date, default 2006-12-31, "Last rental day (inclusive)"
-- param category: String, optional, "Category name, e.g. Action; all categories when absent"
-- param store_id: UInt8, optional, min 1, max 255, "Only rentals from this store; all stores when absent"
SELECT f.film_id AS film_id, f.title AS title, c.name AS category, count() AS rentals
FROM sakila.rental AS r
INNER JOIN sakila.inventory AS i ON i.inventory_id = r.inventory_id
INNER JOIN sakila.film AS f ON f.film_id = i.film_id
INNER JOIN sakila.film_category AS fc ON fc.film_id = f.film_id
INNER JOIN sakila.category AS c ON c.category_id = fc.category_id
WHERE toDate(r.rental_date) BETWEEN {from:Date} AND {to:Date}
  AND ({category:Nullable(String)} IS NULL OR c.name = {category:Nullable(String)})
  AND ({store_id:Nullable(UInt8)} IS NULL OR i.store_id = {store_id:Nullable(UInt8)})
GROUP BY film_id, title, category
ORDER BY rentals DESC, film_id
