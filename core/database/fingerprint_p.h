#pragma once
// Internal (core/database only): what a table holds, computed inside one transaction so that it describes
// exactly that transaction's snapshot. Used by the restore drill (whole-table checksums) and the migration
// rehearsal (one hash per row, by primary key).
#include "database_p.h"

#include <QHash>
#include <QString>
#include <QStringList>
#include <vector>

namespace tt {

class Progress;

struct TableName
{
    QString schema;
    QString name;
    QString display() const; // "Teacher", or "audit.Log" outside public
    std::string quoted(pqxx::transaction_base &tx) const;
};

// Row text must not depend on the session: fixed DateStyle, TimeZone, float digits, bytea format.
void setCanonicalOutput(pqxx::transaction_base &tx);

// Every ordinary and partitioned table outside the system schemas, sorted by schema and name.
std::vector<TableName> userTables(pqxx::transaction_base &tx);

struct TableFingerprint
{
    TableName table;
    qint64 rows = 0;
    QString checksum; // md5 over the sorted md5 of every row's text; identical content = identical checksum
};
TableFingerprint fingerprintTable(pqxx::transaction_base &tx, const TableName &table);

struct TableRows
{
    TableName table;
    QStringList columns;         // the columns hashed (the table's columns when it was read)
    QStringList keyColumns;      // the primary key; empty = none (rows are then matched by their hash)
    QHash<QString, QString> rows; // key text (or the row hash when there is no key) -> row hash
    QHash<QString, int> copies;   // without a key: how many identical rows have this hash
    QStringList missingColumns;  // asked for but no longer in the table (hashed as NULL)
    qint64 count = 0;
    QString oid;                 // the table's identity: a dropped and recreated table has another
};
// Reads one hash per row over `columns` (empty = every column the table has now), keyed by keyColumns
// (empty = the table's primary key now). A column asked for that the table no longer has is hashed as
// NULL: a row whose value there was not NULL then shows as changed (its data is gone), one that held NULL
// lost nothing. When a key column is gone the rows are keyed by their hash.
TableRows readRows(pqxx::transaction_base &tx, const TableName &table, const QStringList &columns = {},
                   const QStringList &keyColumns = {});
QStringList tableColumns(pqxx::transaction_base &tx, const TableName &table);
QStringList primaryKey(pqxx::transaction_base &tx, const TableName &table);
bool tableExists(pqxx::transaction_base &tx, const TableName &table);

} // namespace tt
