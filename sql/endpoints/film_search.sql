-- description: Films by rating and title prefix, with their rental rate and length.
-- cache: 60s
-- param rating: String, optional, values G|PG|PG-13|R|NC-17, "MPAA rating; all when absent"
-- param title_prefix: String, default "", "Case-insensitive start of the title"
SELECT film_id, title, rating, rental_rate, length
FROM sakila.film
WHERE ({rating:Nullable(String)} IS NULL OR rating = {rating:Nullable(String)})
  AND startsWith(lower(title), lower({title_prefix:String}))
ORDER BY title
