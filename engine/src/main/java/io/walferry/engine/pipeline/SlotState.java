package io.walferry.engine.pipeline;

import io.walferry.decoder.Lsn;
import io.walferry.engine.source.SourceErrors;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * A replication slot as {@code pg_replication_slots} shows it, with the columns each server
 * version has: {@code wal_status} from PostgreSQL 13, {@code two_phase} from 14, {@code conflicting}
 * from 16 and {@code invalidation_reason} from 17 ({@code null} or false where the server lacks them).
 *
 * @param slotName           {@code slot_name}
 * @param slotType           {@code slot_type}: {@code logical} or {@code physical}
 * @param plugin             {@code plugin}, the output plugin of a logical slot
 * @param database           {@code database} of a logical slot
 * @param activePid          {@code active_pid}, 0 when the slot is not in use
 * @param confirmedFlushLsn  {@code confirmed_flush_lsn}, 0 when null
 * @param restartLsn         {@code restart_lsn}, 0 when null
 * @param walStatus          {@code wal_status} ({@code reserved}, {@code extended}, {@code unreserved},
 *                           {@code lost}), or {@code null}
 * @param twoPhase           {@code two_phase}
 * @param conflicting        {@code conflicting}
 * @param invalidationReason {@code invalidation_reason}, or {@code null}
 */
public record SlotState(String slotName, String slotType, String plugin, String database, int activePid,
                        long confirmedFlushLsn, long restartLsn, String walStatus, boolean twoPhase,
                        boolean conflicting, String invalidationReason) {

    /** The slot {@code slotName}, or {@code null} when the server has none of that name. */
    public static SlotState read(Connection connection, String slotName, int serverVersionNum) {
        try (PreparedStatement query = connection.prepareStatement(query(serverVersionNum))) {
            query.setString(1, slotName);
            try (ResultSet row = query.executeQuery()) {
                if (!row.next()) {
                    return null;
                }
                return new SlotState(row.getString(1), row.getString(2), row.getString(3), row.getString(4),
                        row.getInt(5), lsn(row.getString(6)), lsn(row.getString(7)), row.getString(8),
                        row.getBoolean(9), row.getBoolean(10), row.getString(11));
            }
        } catch (SQLException e) {
            throw SourceErrors.failed(e, "reading replication slot " + slotName + " from pg_replication_slots", null);
        }
    }

    static String query(int serverVersionNum) {
        return "SELECT slot_name, slot_type, plugin, database, coalesce(active_pid, 0),"
                + " confirmed_flush_lsn::text, restart_lsn::text, "
                + (serverVersionNum >= 130000 ? "wal_status" : "NULL::text") + ", "
                + (serverVersionNum >= 140000 ? "two_phase" : "false") + ", "
                + (serverVersionNum >= 160000 ? "coalesce(conflicting, false)" : "false") + ", "
                + (serverVersionNum >= 170000 ? "invalidation_reason" : "NULL::text")
                + " FROM pg_catalog.pg_replication_slots WHERE slot_name = ?";
    }

    private static long lsn(String text) {
        return text == null ? 0 : Lsn.parse(text);
    }

    public boolean isActive() {
        return activePid != 0;
    }

    /**
     * Whether the server invalidated the slot: it removed WAL the slot needed ({@code wal_status =
     * lost}), or catalog rows or {@code wal_level} made it unusable ({@code conflicting},
     * {@code invalidation_reason}). An invalidated slot can never stream again.
     */
    public boolean isInvalidated() {
        return "lost".equals(walStatus) || conflicting || invalidationReason != null;
    }

    /** Why it was invalidated, in the server's words where it has them. */
    public String invalidationDescription() {
        if (invalidationReason != null) {
            return "invalidation_reason = " + invalidationReason;
        }
        if (conflicting) {
            return "conflicting = true";
        }
        return "wal_status = " + walStatus;
    }
}
