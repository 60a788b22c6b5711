package io.tributary.cdc.event;

import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/** Tells Flink to use {@link ChangeEventSerializer} for change events. */
public final class ChangeEventTypeInfo extends TypeInformation<ChangeEvent> {
    public static final ChangeEventTypeInfo INSTANCE = new ChangeEventTypeInfo();

    @Override public boolean isBasicType() { return false; }

    @Override public boolean isTupleType() { return false; }

    @Override public int getArity() { return 1; }

    @Override public int getTotalFields() { return 1; }

    @Override public Class<ChangeEvent> getTypeClass() { return ChangeEvent.class; }

    @Override public boolean isKeyType() { return false; }

    @Override
    public TypeSerializer<ChangeEvent> createSerializer(SerializerConfig config) {
        return ChangeEventSerializer.INSTANCE;
    }

    @Override public String toString() { return "ChangeEvent"; }

    @Override public boolean equals(Object o) { return o instanceof ChangeEventTypeInfo; }

    @Override public int hashCode() { return ChangeEventTypeInfo.class.hashCode(); }

    @Override public boolean canEqual(Object o) { return o instanceof ChangeEventTypeInfo; }
}
