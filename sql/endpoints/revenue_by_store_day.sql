-- description: Payments per store and day (the store of the staff member who took the payment).
-- cache: 30s
-- param from: Date, default 2005-05-01, "First day (inclusive)"
-- param to: Date, default 2006-12-31, "Last day (inclusive)"
-- param store_id: UInt8, optional, min 1, max 255, "Only this store; all stores when absent"
SELECT s.store_id AS store_id, toDate(p.payment_date) AS day, count() AS payments, sum(p.amount) AS revenue
FROM sakila.payment AS p
INNER JOIN sakila.staff AS s ON s.staff_id = p.staff_id
WHERE toDate(p.payment_date) BETWEEN {from:Date} AND {to:Date}
  AND ({store_id:Nullable(UInt8)} IS NULL OR s.store_id = {store_id:Nullable(UInt8)})
GROUP BY store_id, day
ORDER BY store_id, day
