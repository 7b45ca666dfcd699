#pragma once
// Helpers for the database tests, tt-dbtool and the apply benchmark: a generated school (records +
// roster, ground truth known) and small query helpers against the real sandbox PostgreSQL.
#include "database/recoverywriter.h"
#include "database/sandbox.h"

#include <QString>
#include <QStringList>

namespace tt::test {

struct SchoolSpec
{
    quint32 seed = 1;
    QString name = QStringLiteral("Wattle Grove Primary");
    QString domain = QStringLiteral("wattlegrove.example.edu.au");
    QString codePrefix;      // class codes: <prefix><year><letter>, e.g. "5A"
    QString studentIdPrefix = QStringLiteral("3");
    int teachers = 6;        // homeroom teachers (one per class, reused when fewer)
    int specialists = 2;
    int classes = 4;
    int students = 40;
    int incidents = 200;
    int unlinkedEvery = 10;  // every n-th record has no student link (0 = all linked)
};

// Deterministic for a spec. Notes contain commas, quotes, tabs, newlines, backslashes and emoji.
RecoveryInput makeSchool(const SchoolSpec &spec);

// The fixture sandbox (env TT_SANDBOX_DIR) or throws.
Sandbox fixtureSandbox();
// A fresh database copied from tracktally_sandbox (template); returns its URL. Dropped by dropDatabase().
QString createScratchDatabase(const Sandbox &sandbox, const QString &name);
void dropDatabase(const Sandbox &sandbox, const QString &name);
// A fresh database built the way TrackTally's own Prisma migrations build one, in order (tests/data/database/
// migrations: 1 initial schema, 2 organizations with its "legacy-org" row, 3 mobile auth ticket, 4 incident
// type), applying the first `migrations` of them; `beforeOrganizations` (SQL) runs after the initial schema,
// so its rows are assigned to legacy-org by migration 2. It has no Organization.lmsProvider (a hand-written
// script adds that, never a migration). Returns its URL; dropped by dropDatabase().
QString createMigratedDatabase(const Sandbox &sandbox, const QString &name, int migrations = 4,
                               const QString &beforeOrganizations = {});

// One text value (first column of the first row; empty for NULL) / all rows as tab-joined text.
QString queryValue(const QString &url, const QString &sql);
QStringList queryRows(const QString &url, const QString &sql);
// Runs SQL (multi-statement allowed) in one transaction.
void execSql(const QString &url, const QString &sql);
// md5 over every row of a table belonging (or not) to an organization, for "byte-identical" checks.
QString tableChecksum(const QString &url, const QString &table, const QString &where);

} // namespace tt::test
