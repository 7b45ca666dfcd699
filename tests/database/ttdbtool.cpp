// tt-dbtool: a tests-only helper over the same core classes as the app's database commands, used by the
// CTest fixture (sandbox start/stop) and by the fault tests (a separate process to kill mid-apply).
//   tt-dbtool sandbox start|stop --dir DIR [--log-statements]
//   tt-dbtool apply-generated --database URL --backup-dir DIR --seed N --incidents N [--domain D]
#include "dbtestsupport.h"

#include "common/errors.h"
#include "database/database.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <cstdio>

using namespace Qt::StringLiterals;

namespace {

QString option(const QStringList &args, const QString &name, const QString &fallback = {})
{
    const qsizetype i = args.indexOf(name);
    return i >= 0 && i + 1 < args.size() ? args.at(i + 1) : fallback;
}

int fail(const QString &message, int code)
{
    std::fprintf(stderr, "%s\n", qPrintable(message));
    return code;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments().mid(1);
    try {
        if (args.value(0) == u"sandbox"_s) {
            const QString dir = option(args, u"--dir"_s);
            if (dir.isEmpty())
                return fail(u"usage: tt-dbtool sandbox start|stop --dir DIR [--log-statements]"_s, 2);
            if (args.value(1) == u"start"_s) {
                if (QFileInfo::exists(dir + u"/sandbox.json"_s))
                    tt::Sandbox::open(dir).stop(); // left over from an aborted run
                tt::SandboxOptions o;
                o.logStatements = args.contains(u"--log-statements"_s);
                const tt::Sandbox s = tt::Sandbox::start(dir, o);
                std::printf("%s\n", qPrintable(s.url()));
                return 0;
            }
            if (args.value(1) == u"stop"_s) {
                tt::Sandbox::open(dir).stop();
                return 0;
            }
            return fail(u"usage: tt-dbtool sandbox start|stop --dir DIR"_s, 2);
        }
        if (args.value(0) == u"apply-generated"_s) {
            tt::test::SchoolSpec spec;
            spec.seed = option(args, u"--seed"_s, u"1"_s).toUInt();
            spec.incidents = option(args, u"--incidents"_s, u"200"_s).toInt();
            spec.students = option(args, u"--students"_s, u"40"_s).toInt();
            spec.domain = option(args, u"--domain"_s, spec.domain);
            const tt::RecoveryInput input = tt::test::makeSchool(spec);
            tt::Database db(tt::ConnectionSpec::parse(option(args, u"--database"_s)));
            tt::RecoveryWriter writer(db, input);
            tt::ApplyOptions o;
            o.confirmDatabase = option(args, u"--confirm"_s, db.databaseName());
            o.backupDir = option(args, u"--backup-dir"_s);
            o.performedBy = u"tt-dbtool"_s;
            const tt::ApplyResult r = writer.apply(o);
            std::printf("%s\n", qPrintable(r.describe()));
            return 0;
        }
        return fail(u"usage: tt-dbtool sandbox|apply-generated …"_s, 2);
    } catch (const tt::RefusalError &e) {
        return fail(e.message(), 3);
    } catch (const tt::UserError &e) {
        return fail(e.message(), 1);
    } catch (const std::exception &e) {
        return fail(QString::fromUtf8(e.what()), 1);
    }
}
