package io.tributary.cdc.event;

import java.util.Set;

/** Which MySQL types carry bytes rather than text. */
public final class ValueKinds {
    private static final Set<String> BINARY = Set.of("BINARY", "VARBINARY", "TINYBLOB", "BLOB", "MEDIUMBLOB",
            "LONGBLOB", "GEOMETRY", "POINT", "LINESTRING", "POLYGON", "MULTIPOINT", "MULTILINESTRING",
            "MULTIPOLYGON", "GEOMETRYCOLLECTION", "GEOMCOLLECTION");

    private ValueKinds() {}

    public static boolean isBinary(String sourceType) {
        return BINARY.contains(sourceType);
    }
}
