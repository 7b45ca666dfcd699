#include "fingerprint_p.h"

namespace tt {

namespace {

std::string columnList(pqxx::transaction_base &tx, const QStringList &columns, const QStringList &present)
{
    std::string out;
    for (const QString &c : columns) {
        if (!out.empty())
            out += ", ";
        out += present.contains(c) ? "t." + tx.quote_name(toStd(c)) : std::string("NULL");
    }
    return out;
}

} // namespace

QString TableName::display() const
{
    return schema == u"public" ? name : schema + u'.' + name;
}

std::string TableName::quoted(pqxx::transaction_base &tx) const
{
    return tx.quote_name(toStd(schema)) + '.' + tx.quote_name(toStd(name));
}

void setCanonicalOutput(pqxx::transaction_base &tx)
{
    tx.exec("SET DateStyle = 'ISO, YMD'; SET IntervalStyle = 'postgres'; SET TimeZone = 'UTC'; "
            "SET extra_float_digits = 3; SET bytea_output = 'hex'");
}

std::vector<TableName> userTables(pqxx::transaction_base &tx)
{
    std::vector<TableName> out;
    const pqxx::result r = tx.exec(
        "SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
        "AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%' "
        "AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e') "
        "ORDER BY n.nspname COLLATE \"C\", c.relname COLLATE \"C\"");
    for (const auto &row : r)
        out.push_back({fromField(row[0]), fromField(row[1])});
    return out;
}

TableFingerprint fingerprintTable(pqxx::transaction_base &tx, const TableName &table)
{
    // md5 per row, sorted bytewise, then md5 over them all: independent of physical order and collation,
    // and 32 bytes per row in memory whatever the row's size.
    const pqxx::row r = tx.exec1("SELECT count(*), coalesce(md5(string_agg(h, '' ORDER BY h COLLATE \"C\")), '') "
                                 "FROM (SELECT md5(t::text) AS h FROM " + table.quoted(tx) + " t) x");
    TableFingerprint f;
    f.table = table;
    f.rows = r[0].as<qint64>();
    f.checksum = fromField(r[1]);
    return f;
}

bool tableExists(pqxx::transaction_base &tx, const TableName &table)
{
    return tx.exec_params1("SELECT to_regclass($1) IS NOT NULL", table.quoted(tx))[0].as<bool>();
}

QStringList tableColumns(pqxx::transaction_base &tx, const TableName &table)
{
    QStringList out;
    const pqxx::result r = tx.exec_params("SELECT attname FROM pg_attribute WHERE attrelid = $1::regclass "
                                          "AND attnum > 0 AND NOT attisdropped ORDER BY attnum",
                                          table.quoted(tx));
    for (const auto &row : r)
        out << fromField(row[0]);
    return out;
}

QStringList primaryKey(pqxx::transaction_base &tx, const TableName &table)
{
    QStringList out;
    const pqxx::result r = tx.exec_params(
        "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) "
        "WHERE i.indrelid = $1::regclass AND i.indisprimary ORDER BY array_position(i.indkey::int2[], a.attnum)",
        table.quoted(tx));
    for (const auto &row : r)
        out << fromField(row[0]);
    return out;
}

TableRows readRows(pqxx::transaction_base &tx, const TableName &table, const QStringList &columnsIn,
                   const QStringList &keyIn)
{
    TableRows out;
    out.table = table;
    const QStringList present = tableColumns(tx, table);
    out.oid = fromField(tx.exec_params1("SELECT $1::regclass::oid", table.quoted(tx))[0]);
    out.columns = columnsIn.isEmpty() ? present : columnsIn;
    for (const QString &c : out.columns)
        if (!present.contains(c))
            out.missingColumns << c;
    out.keyColumns = keyIn.isEmpty() ? primaryKey(tx, table) : keyIn;
    for (const QString &k : out.keyColumns)
        if (!present.contains(k))
            out.keyColumns.clear();
    const std::string rowExpr = "md5(ROW(" + columnList(tx, out.columns, present) + ")::text)";
    const std::string keyExpr =
        out.keyColumns.isEmpty() ? std::string("NULL") : "ROW(" + columnList(tx, out.keyColumns, present) + ")::text";
    const pqxx::result r = tx.exec("SELECT " + keyExpr + ", " + rowExpr + " FROM " + table.quoted(tx) + " t");
    out.rows.reserve(int(r.size()));
    for (const auto &row : r) {
        const QString hash = fromField(row[1]);
        if (out.keyColumns.isEmpty()) {
            out.rows.insert(hash, hash);
            ++out.copies[hash];
        } else {
            out.rows.insert(fromField(row[0]), hash);
        }
        ++out.count;
    }
    return out;
}

} // namespace tt
