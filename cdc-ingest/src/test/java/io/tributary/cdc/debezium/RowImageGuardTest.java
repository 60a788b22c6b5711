package io.tributary.cdc.debezium;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.shyiko.mysql.binlog.BinaryLogClient;
import com.github.shyiko.mysql.binlog.event.DeleteRowsEventData;
import com.github.shyiko.mysql.binlog.event.Event;
import com.github.shyiko.mysql.binlog.event.EventData;
import com.github.shyiko.mysql.binlog.event.EventHeaderV4;
import com.github.shyiko.mysql.binlog.event.EventType;
import com.github.shyiko.mysql.binlog.event.TableMapEventData;
import com.github.shyiko.mysql.binlog.event.UpdateRowsEventData;
import com.github.shyiko.mysql.binlog.event.WriteRowsEventData;
import com.github.shyiko.mysql.binlog.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Serializable;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RowImageGuardTest {
    private static final long TABLE_ID = 91;
    private final List<PartialRowChange> reported = new ArrayList<>();
    private final RowImageGuard guard = new RowImageGuard(reported::add);

    /** id INT, doc JSON, note VARCHAR: MySQL's type codes 3, 245, 15. */
    private static TableMapEventData table() {
        TableMapEventData t = new TableMapEventData();
        t.setTableId(TABLE_ID);
        t.setDatabase("shop");
        t.setTable("orders");
        t.setColumnTypes(new byte[] {3, (byte) 245, 15});
        t.setColumnMetadata(new int[] {0, 4, 80});
        return t;
    }

    private static BitSet columns(int... indexes) {
        BitSet b = new BitSet();
        for (int i : indexes) {
            b.set(i);
        }
        return b;
    }

    @Test
    void wholeImagesPassUntouched() {
        guard.inspect(table());
        WriteRowsEventData insert = new WriteRowsEventData();
        insert.setTableId(TABLE_ID);
        insert.setIncludedColumns(columns(0, 1, 2));
        insert.setRows(new ArrayList<>(List.<Serializable[]>of(new Serializable[] {1, null, "a"})));
        assertThat(guard.missingColumns(insert)).isNull();
        guard.inspect(insert);
        assertThat(insert.getRows()).hasSize(1);
    }

    @Test
    void aMinimalUpdateIsEmptiedAndReportedWithItsPositionOnce() throws Exception {
        BinaryLogClient client = new BinaryLogClient("127.0.0.1", 1, "u", "p");
        client.setBinlogFilename("binlog.000007");
        guard.attach(client, false);
        assertThat(client.getEventListeners()).contains(guard);
        guard.inspect(table());
        UpdateRowsEventData update = new UpdateRowsEventData();
        update.setTableId(TABLE_ID);
        update.setIncludedColumnsBeforeUpdate(columns(0));
        update.setIncludedColumns(columns(0, 2));
        update.setRows(new ArrayList<>(List.of(new AbstractMap.SimpleEntry<Serializable[], Serializable[]>(
                new Serializable[] {1}, new Serializable[] {1, "b"}))));
        guard.inspect(update);
        assertThat(update.getRows()).as("Debezium gets no row of it").isEmpty();
        assertThat(reported).as("reported only once the event's header is known").isEmpty();

        EventHeaderV4 header = new EventHeaderV4();
        header.setEventType(EventType.EXT_UPDATE_ROWS);
        header.setEventLength(100);
        header.setNextPosition(1334);
        guard.onEvent(new Event(header, update));
        assertThat(reported).hasSize(1);
        PartialRowChange change = reported.get(0);
        assertThat(change.qualifiedTable()).isEqualTo("shop.orders");
        assertThat(change.file()).isEqualTo("binlog.000007");
        assertThat(change.position()).isEqualTo(1234);
        assertThat(change.message()).contains("'shop.orders' at binlog binlog.000007:1234")
                .contains("holds 1 of its 3 columns in its old row (without column 2, column 3)")
                .contains("binlog_row_image = MINIMAL or NOBLOB").contains("./tributary resync --config FILE shop.orders");

        guard.onEvent(new Event(header, update));
        assertThat(reported).as("nothing more for the next event").hasSize(1);
    }

    @Test
    void refusesToAttachBehindDebeziumsHandler() {
        BinaryLogClient client = new BinaryLogClient("127.0.0.1", 1, "u", "p");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> guard.attach(client, true))
                .hasMessageContaining("could not be placed before Debezium's binlog handler");
        assertThat(client.getEventListeners()).doesNotContain(guard);
    }

    @Test
    void namesTheMissingColumnsWhenTheBinlogCarriesThem() {
        TableMapEventData t = table();
        com.github.shyiko.mysql.binlog.event.TableMapEventMetadata meta =
                new com.github.shyiko.mysql.binlog.event.TableMapEventMetadata();
        meta.setColumnNames(List.of("id", "doc", "note"));
        t.setEventMetadata(meta);
        guard.inspect(t);
        DeleteRowsEventData delete = new DeleteRowsEventData();
        delete.setTableId(TABLE_ID);
        delete.setIncludedColumns(columns(0));
        delete.setRows(new ArrayList<>());
        assertThat(guard.missingColumns(delete)).startsWith("holds 1 of its 3 columns in its deleted row (without doc, note)");
    }

    @Test
    void aPartialUpdateWithoutJsonDiffsIsReadAsAnOrdinaryUpdate() throws Exception {
        Map<Long, TableMapEventData> tables = new HashMap<>(Map.of(TABLE_ID, table()));
        EventData data = new RowImageGuard.PartialUpdateRows(tables).deserializeEvent(partialUpdate(0b0, "{\"a\":2}".getBytes()));
        assertThat(data).isInstanceOf(UpdateRowsEventData.class);
        UpdateRowsEventData update = (UpdateRowsEventData) data;
        assertThat(update.getRows()).hasSize(1);
        Map.Entry<Serializable[], Serializable[]> row = update.getRows().get(0);
        assertThat(row.getKey()[0]).isEqualTo(7);
        assertThat(row.getValue()[0]).isEqualTo(7);
        assertThat(row.getValue()[2]).isEqualTo("new".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        guard.inspect(table());
        assertThat(guard.missingColumns(update)).isNull();
    }

    @Test
    void aJsonColumnFlaggedWithoutADiffKeepsItsValue() throws Exception {
        Map<Long, TableMapEventData> tables = new HashMap<>(Map.of(TABLE_ID, table()));
        EventData data = new RowImageGuard.PartialUpdateRows(tables).deserializeEvent(partialUpdate(0b1, new byte[0]));
        assertThat(data).isInstanceOf(UpdateRowsEventData.class);
        Map.Entry<Serializable[], Serializable[]> row = ((UpdateRowsEventData) data).getRows().get(0);
        assertThat(row.getValue()[1]).isEqualTo("{\"a\":1}".getBytes()).isSameAs(row.getKey()[1]);
        assertThat(row.getValue()[2]).isEqualTo("new".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** A partial update of the row whose old document is {"a":1}, its JSON column changed by {@code diff}. */
    private static EventData diffOfAOne(byte[] diff) throws Exception {
        Map<Long, TableMapEventData> tables = new HashMap<>(Map.of(TABLE_ID, table()));
        byte[] old = JsonDiffsTest.BinaryJson.object(new java.util.LinkedHashMap<>(Map.of("a", 1)));
        return new RowImageGuard.PartialUpdateRows(tables).deserializeEvent(partialUpdate(0b1, old, diff));
    }

    @Test
    void aJsonDiffIsAppliedToTheOldDocument() throws Exception {
        EventData data = diffOfAOne(JsonDiffsTest.replace("$.a", JsonDiffsTest.BinaryJson.int16(2)));
        assertThat(data).isInstanceOf(UpdateRowsEventData.class);
        Map.Entry<Serializable[], Serializable[]> row = ((UpdateRowsEventData) data).getRows().get(0);
        assertThat(row.getValue()[1]).isEqualTo("{\"a\":2}");
    }

    @Test
    void aDiffThatCannotBeAppliedIsAPartialChange() throws Exception {
        EventData data = diffOfAOne(JsonDiffsTest.replace("$.missing", JsonDiffsTest.BinaryJson.int16(2)));
        assertThat(data).isInstanceOf(RowImageGuard.PartialJson.class);
        guard.inspect(table());
        assertThat(guard.missingColumns(data)).contains("changes JSON column column 2 by a diff")
                .contains("binlog_row_value_options = PARTIAL_JSON").contains("no value at $.missing");
    }

    /**
     * A PARTIAL_UPDATE_ROWS_EVENT body of one row (7, beforeJson, 'old') -> (7, afterJson, 'new'),
     * laid out as MySQL writes it: v2 rows header, then per row the before image, the after image's
     * value options (1 = PARTIAL_JSON) and its one-bit-per-JSON-column diff bitmap, then the after image.
     */
    private static ByteArrayInputStream partialUpdate(int diffBits, byte[] afterJson) {
        return partialUpdate(diffBits, "{\"a\":1}".getBytes(), afterJson);
    }

    private static ByteArrayInputStream partialUpdate(int diffBits, byte[] beforeJson, byte[] afterJson) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        le(b, TABLE_ID, 6);
        le(b, 0, 2); // flags
        le(b, 2, 2); // extra data: its length field only
        b.write(3); // columns
        b.write(0b111); // before image columns
        b.write(0b111); // after image columns
        image(b, beforeJson, "old");
        b.write(1); // value options: PARTIAL_JSON
        b.write(diffBits);
        image(b, afterJson, "new");
        return new ByteArrayInputStream(b.toByteArray());
    }

    private static void image(ByteArrayOutputStream b, byte[] json, String note) {
        b.write(0); // null bitmap
        le(b, 7, 4);
        le(b, json.length, 4);
        b.writeBytes(json);
        b.write(note.length());
        b.writeBytes(note.getBytes());
    }

    private static void le(ByteArrayOutputStream b, long value, int bytes) {
        for (int i = 0; i < bytes; i++) {
            b.write((int) (value >>> (8 * i)) & 0xFF);
        }
    }
}
