package io.tributary.localservers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/** Loads the Sakila sample database (shipped in {@code demo/sakila}) into a MySQL server. */
public final class Sakila {
    private Sakila() {}

    /** Finds {@code demo/sakila} from the repository root or any parent of the working directory. */
    public static Path datasetDir() {
        String root = System.getProperty("tributary.repo.root");
        Path start = root != null ? Path.of(root) : Path.of("").toAbsolutePath();
        for (Path p = start.toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolve("demo/sakila");
            if (Files.isRegularFile(candidate.resolve("sakila-mv-schema.sql"))) {
                return candidate;
            }
        }
        throw new IllegalStateException("demo/sakila not found above " + start
                + "; run from the Tributary repository or set -Dtributary.repo.root");
    }

    /** Drops and re-creates database {@code sakila} with the sample data. */
    public static void load(MySqlServer mysql) {
        Path dir = datasetDir();
        try (Connection c = DriverManager.getConnection(mysql.jdbcUrl(null) + "&allowMultiQueries=false",
                mysql.admin().user(), mysql.admin().password())) {
            c.createStatement().execute("DROP DATABASE IF EXISTS sakila");
            SqlScript.run(c, dir.resolve("sakila-mv-schema.sql"));
            c.setCatalog("sakila");
            SqlScript.run(c, dir.resolve("sakila-mv-data.sql"));
        } catch (IOException | SQLException e) {
            throw new IllegalStateException("Cannot load Sakila from " + dir + ": " + e.getMessage(), e);
        }
    }
}
