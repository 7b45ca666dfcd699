// tracktally-recovery sandbox | backup | plan | apply | verify: the database commands.
// Every command that touches a database first says which one it is (server, database, what is in it).
#include "cli.h"

#include "common/errors.h"
#include "common/progress.h"
#include "database/backup.h"
#include "database/database.h"
#include "database/recoverywriter.h"
#include "database/sandbox.h"
#include "project/project.h"
#include "roster/rostercache.h"
#include "roster/rosterproject.h"
#include "session/applyrecord.h"
#include "session/envconfig.h"
#include "session/readiness.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include "common/privatefile.h"

#include <QSaveFile>

namespace tt::cli {
namespace {

QString tr(const char *t) { return QCoreApplication::translate("tt::cli::database", t); }

int refusable(const std::function<int()> &body)
{
    return guarded([&]() -> int {
        try {
            return body();
        } catch (const RefusalError &e) {
            err() << e.message().simplified() << Qt::endl;
            return Refused;
        } catch (const OutcomeUnknownError &e) {
            err() << e.message().simplified() << Qt::endl;
            return OutcomeUnknown;
        }
    });
}

const QCommandLineOption &databaseOption()
{
    static const QCommandLineOption o(QStringLiteral("database"),
                                      tr("The target database: a postgresql:// URL, a libpq connection string or a "
                                         "service name. Passwords come from PGPASSWORD or ~/.pgpass."),
                                      tr("URL"));
    return o;
}
const QCommandLineOption &projectOption()
{
    static const QCommandLineOption o(QStringLiteral("project"), tr("The recovery project file."), tr("FILE"));
    return o;
}
const QCommandLineOption &envOption()
{
    static const QCommandLineOption o(QStringLiteral("env"),
                                      tr("TrackTally's .env file: the target when --database is not given "
                                         "(DIRECT_DATABASE_URL; the app's pooled DATABASE_URL is never used for the "
                                         "backup or the apply, and only read from when no direct URL is set); warns "
                                         "when DATABASE_URL and DIRECT_DATABASE_URL point to different databases."),
                                      tr("FILE"));
    return o;
}

struct Loaded
{
    QString path;
    Project project;
    RecoveryInput input;
    RosterDecisions decisions;

    // The readiness list over this project (plan: its cross-school conflicts; target: the database).
    std::vector<ReadinessItem> readiness(const RecoveryPlan *plan, const ServerIdentity *target, bool skipConflicting) const
    {
        ReadinessInput in;
        in.project = &project;
        in.roster = &input.roster;
        in.decisions = &decisions;
        in.plan = plan;
        in.skipConflicting = skipConflicting;
        in.target = target;
        in.projectPath = path;
        return Readiness::assess(in);
    }
};

std::unique_ptr<Loaded> loadProject(const QString &path)
{
    auto l = std::unique_ptr<Loaded>(new Loaded{path, loadProjectFile(path), {}, {}});
    l->input.school = l->project.school();
    l->input.records = l->project.acceptedRecords();
    CliProgress progress;
    l->input.roster = buildProjectRoster(l->project, &progress);
    l->decisions = projectDecisions(l->project);
    l->input.projectSha256 = sha256OfFile(path);
    return l;
}

// --database, or else the .env's direct URL (Write: backup and apply never use the pooled DATABASE_URL).
// Says where the target came from. Throws RefusalError (Write) or UserError (Read) when the .env has none.
QString targetUrl(const QCommandLineParser &p, EnvConfig::TargetUse use)
{
    if (p.isSet(databaseOption()))
        return p.value(databaseOption());
    const EnvConfig env = EnvConfig::load(p.value(envOption()));
    const EnvConfig::Target t = env.target(use);
    if (!t.ok()) {
        if (use == EnvConfig::TargetUse::Write)
            throw RefusalError(t.refusal);
        throw UserError(t.refusal);
    }
    out() << tr("Target from %1 (line %2) of %3: %4").arg(t.variable).arg(t.line).arg(env.path(), t.note) << Qt::endl;
    return t.url;
}

// --database or --env is needed; returns Usage after saying so, or -1.
int requireTarget(const QCommandLineParser &p, const QString &command)
{
    if (p.isSet(databaseOption()) || p.isSet(envOption()))
        return -1;
    err() << command << ": " << tr("--database is required (or --env with TrackTally's .env, whose DIRECT_DATABASE_URL is then used)") << Qt::endl;
    return Usage;
}

void printReadiness(const std::vector<ReadinessItem> &items)
{
    if (items.empty()) {
        out() << tr("Readiness: nothing blocks the commit, no warnings.") << Qt::endl;
        return;
    }
    out() << tr("Readiness: %1 blocking, %2 warnings.")
                 .arg(Readiness::blockingCount(items))
                 .arg(qsizetype(items.size()) - Readiness::blockingCount(items))
          << "\n";
    for (const QString &line : Readiness::describe(items))
        out() << "  " << line << "\n";
    out().flush();
}

// apply --accept-suggestions: answers every open question with its suggestion, keeps the answers (and what was
// accepted) in the project file, and rebuilds the roster from them. Returns how many were accepted.
int acceptSuggestions(Loaded &l)
{
    std::vector<Readiness::Accepted> accepted;
    Roster roster;
    const RosterDecisions after = Readiness::acceptEverySuggestion(
        l.input.roster, l.decisions,
        [&l](const RosterDecisions &d) {
            setProjectDecisions(l.project, d);
            return buildProjectRoster(l.project);
        },
        &accepted, &roster);
    if (accepted.empty()) {
        setProjectDecisions(l.project, l.decisions);
        return 0;
    }
    setProjectDecisions(l.project, after);
    Readiness::recordAccepted(l.project, accepted, QStringLiteral("apply --accept-suggestions"));
    storeProjectRoster(l.project, roster); // built from `after`: the next command need not rebuild it
    l.project.save(l.path);
    l.decisions = after;
    l.input.roster = std::move(roster);
    l.input.projectSha256 = sha256OfFile(l.path);
    for (const Readiness::Accepted &a : accepted)
        err() << tr("Accepted: %1 %2: %3").arg(a.kind, a.subject, a.answer) << "\n";
    err() << tr("%1 suggestions accepted and saved in %2.").arg(accepted.size()).arg(l.path) << Qt::endl;
    return int(accepted.size());
}

// --env: are DATABASE_URL and DIRECT_DATABASE_URL the same database? Decided by connecting to both (system
// identifier and database name), not by comparing the strings: TrackTally's correct setup names the same
// database through a pooled and a direct host. When one cannot be reached, the names in the file are compared.
void warnAboutEnv(const QCommandLineParser &p)
{
    if (!p.isSet(envOption()))
        return;
    const EnvConfig env = EnvConfig::load(p.value(envOption()));
    for (const QString &problem : env.problemMessages())
        err() << tr("warning: %1").arg(problem) << "\n";
    if (!env.databaseUrl().isSet() || !env.directDatabaseUrl().isSet())
        return;
    try {
        const DatabaseMatch m = sameDatabase(ConnectionSpec::parse(env.databaseUrl().text),
                                             ConnectionSpec::parse(env.directDatabaseUrl().text));
        if (m.same)
            err() << tr("DATABASE_URL and DIRECT_DATABASE_URL of %1 reach the same database (%2).").arg(env.path(), m.basis)
                  << Qt::endl;
        else
            err() << "\n"
                  << tr("WARNING: DATABASE_URL and DIRECT_DATABASE_URL in %1 point to DIFFERENT databases: %2\n"
                        "This mismatch is what caused TrackTally's data loss. Make sure you know which one holds the "
                        "school's data before writing anything.")
                         .arg(env.path(), m.explanation)
                  << "\n" << Qt::endl;
    } catch (const UserError &e) {
        err() << tr("warning: DATABASE_URL and DIRECT_DATABASE_URL of %1 could not both be reached to compare them: %2")
                     .arg(env.path(), redactSecrets(e.message()))
              << Qt::endl;
        const EnvFileCheck check = checkEnvFile(p.value(envOption()));
        if (check.differ)
            err() << "\n" << check.warning << "\n" << Qt::endl;
    }
}

// Prints who the database is; returns whether it has TrackTally's schema.
bool announce(Database &db, const QString &domain, ServerIdentity *identity = nullptr)
{
    const ServerIdentity id = db.identify(domain);
    out() << tr("Target: %1").arg(db.spec().redacted()) << "\n" << id.describe() << "\n";
    const SchemaReport schema = db.checkSchema();
    out() << schema.describe() << Qt::endl;
    const PrivilegeReport privileges = db.checkPrivileges();
    if (!privileges.ok())
        out() << privileges.describe() << Qt::endl;
    if (identity)
        *identity = id;
    return schema.ok();
}

void writeJson(const QString &path, const QJsonObject &o)
{
    writePrivateFile(path, QJsonDocument(o).toJson()); // 0600: the plan lists children's rows
}

} // namespace

int runSandbox(const QStringList &args)
{
    const QString action = args.value(0);
    QCommandLineParser p;
    const QCommandLineOption dir(QStringLiteral("dir"), tr("The folder that holds the sandbox (sandbox.json)."), tr("DIR"));
    const QCommandLineOption log(QStringLiteral("log-statements"),
                                 tr("Log every statement the server runs (log_statement=all) into its log file."));
    p.addOptions({dir, log});
    if (action != QLatin1String("start") && action != QLatin1String("stop")) {
        if (action == QLatin1String("--help") || action == QLatin1String("-h"))
            return parse(p, QStringLiteral("sandbox start|stop"), tr("A private PostgreSQL to rehearse on."), args);
        err() << "sandbox: " << tr("say 'start' or 'stop', e.g. sandbox start --dir DIR") << Qt::endl;
        return Usage;
    }
    if (int rc = parse(p, QStringLiteral("sandbox ") + action,
                       tr("Starts or stops a private PostgreSQL (Unix socket only) with TrackTally's schema. "
                          "start prints its connection URL."),
                       args.mid(1), {QStringLiteral("dir")});
        rc >= 0)
        return rc;
    return guarded([&]() -> int {
        if (action == QLatin1String("start")) {
            SandboxOptions o;
            o.logStatements = p.isSet(log);
            const Sandbox s = Sandbox::start(p.value(dir), o);
            out() << s.url() << Qt::endl;
        } else {
            Sandbox::open(p.value(dir)).stop();
            err() << tr("Sandbox stopped and removed.") << Qt::endl;
        }
        return Ok;
    });
}

int runBackup(const QStringList &args)
{
    QCommandLineParser p;
    const QCommandLineOption backupDir(QStringLiteral("backup-dir"), tr("Where to write the backup."), tr("DIR"));
    p.addOptions({databaseOption(), backupDir, envOption()});
    if (int rc = parse(p, QStringLiteral("backup"),
                       tr("Takes a backup with pg_dump (custom format) and verifies it with pg_restore --list."), args,
                       {QStringLiteral("backup-dir")});
        rc >= 0)
        return rc;
    if (int rc = requireTarget(p, QStringLiteral("backup")); rc >= 0)
        return rc;
    return refusable([&]() -> int {
        Database db(ConnectionSpec::parse(targetUrl(p, EnvConfig::TargetUse::Write)));
        CliProgress progress;
        const BackupResult b = Backup::run(db, p.value(backupDir), &progress);
        out() << tr("Backup of \"%1\" written and verified: %2 (%3 bytes; tables: %4)")
                     .arg(b.database, b.file)
                     .arg(b.bytes)
                     .arg(b.tables.join(QStringLiteral(", ")))
              << Qt::endl;
        return Ok;
    });
}

int runPlan(const QStringList &args)
{
    QCommandLineParser p;
    const QCommandLineOption json(QStringLiteral("json"), tr("Also write the plan as JSON."), tr("OUT"));
    p.addOptions({projectOption(), databaseOption(), json, envOption()});
    if (int rc = parse(p, QStringLiteral("plan"),
                       tr("A dry run (read-only): what would be inserted, what is already there and skipped, and what "
                          "belongs to another school."),
                       args, {QStringLiteral("project")});
        rc >= 0)
        return rc;
    if (int rc = requireTarget(p, QStringLiteral("plan")); rc >= 0)
        return rc;
    return refusable([&]() -> int {
        warnAboutEnv(p);
        const auto loaded = loadProject(p.value(projectOption()));
        Database db(ConnectionSpec::parse(targetUrl(p, EnvConfig::TargetUse::Read)));
        ServerIdentity identity;
        if (!announce(db, loaded->input.school.domain, &identity))
            throw RefusalError(tr("This database does not have TrackTally's schema; nothing can be planned."));
        CliProgress progress;
        const RecoveryPlan plan = RecoveryWriter(db, loaded->input).plan(&progress);
        out() << plan.describe() << Qt::endl;
        const std::vector<ReadinessItem> items = loaded->readiness(&plan, &identity, false);
        printReadiness(items);
        if (p.isSet(json))
            writeJson(p.value(json), planJsonWithReadiness(plan, items));
        return Ok;
    });
}

int runApply(const QStringList &args)
{
    QCommandLineParser p;
    const QCommandLineOption backupDir(QStringLiteral("backup-dir"),
                                       tr("Where the verified backup taken before writing goes."), tr("DIR"));
    const QCommandLineOption confirm(QStringLiteral("confirm"),
                                     tr("The name of the database you mean to write to, typed out."), tr("DBNAME"));
    const QCommandLineOption skip(QStringLiteral("skip-conflicting"),
                                  tr("Leave out rows whose email, class code or student id belongs to another school."));
    const QCommandLineOption by(QStringLiteral("performed-by"), tr("Who runs the recovery (for the audit log)."),
                                tr("EMAIL"));
    const QCommandLineOption acceptOption(QStringLiteral("accept-suggestions"),
                                          tr("Answer every open question with its suggested answer (saved in the "
                                             "project and listed in the audit log). Without it, apply refuses "
                                             "(exit 3) while blocking items remain."));
    p.addOptions({projectOption(), databaseOption(), backupDir, confirm, skip, by, acceptOption, envOption()});
    if (int rc = parse(p, QStringLiteral("apply"),
                       tr("Writes the recovered school in one transaction, after a verified backup. Inserts only; "
                          "a re-run inserts nothing new."),
                       args, {QStringLiteral("project"), QStringLiteral("backup-dir")});
        rc >= 0)
        return rc;
    if (int rc = requireTarget(p, QStringLiteral("apply")); rc >= 0)
        return rc;
    return refusable([&]() -> int {
        warnAboutEnv(p);
        // TT_APPLY_TIMINGS (set by bench_apply): where the time went, on stderr as "timing <step>: <ms> ms"
        QElapsedTimer phase;
        phase.start();
        auto lap = [&phase](const QString &step, double ms = -1) {
            if (qEnvironmentVariableIsSet("TT_APPLY_TIMINGS"))
                err() << "timing " << step << ": "
                      << QString::number(ms < 0 ? double(phase.nsecsElapsed()) / 1e6 : ms, 'f', 1) << " ms" << Qt::endl;
            if (ms < 0)
                phase.restart();
        };
        const auto loaded = loadProject(p.value(projectOption()));
        lap(QStringLiteral("open the project, rebuild the roster"));
        Database db(ConnectionSpec::parse(targetUrl(p, EnvConfig::TargetUse::Write)));
        ServerIdentity identity;
        if (!announce(db, loaded->input.school.domain, &identity))
            throw RefusalError(tr("This database does not have TrackTally's schema; nothing was written."));
        lap(QStringLiteral("connect, identify the target"));
        ApplyOptions o;
        o.confirmDatabase = p.value(confirm);
        o.backupDir = p.value(backupDir);
        o.skipConflicting = p.isSet(skip);
        o.performedBy = p.value(by);
        CliProgress progress;
        if (o.confirmDatabase != identity.database) // the writer refuses first, before any question is answered
            RecoveryWriter(db, loaded->input).apply(o, &progress);
        // Readiness (cross-school conflicts are the writer's own refusal, with --skip-conflicting)
        std::vector<ReadinessItem> items = loaded->readiness(nullptr, &identity, true);
        if (Readiness::blockingCount(items) > 0 && p.isSet(acceptOption) && acceptSuggestions(*loaded) > 0)
            items = loaded->readiness(nullptr, &identity, true);
        printReadiness(items);
        if (const int blocking = Readiness::blockingCount(items); blocking > 0)
            throw RefusalError(p.isSet(acceptOption)
                                   ? tr("Refusing to write: %1 blocking items have no suggestion to accept; answer "
                                        "them in the wizard (they are listed above).")
                                         .arg(blocking)
                                   : tr("Refusing to write: %1 blocking items (listed above). Answer them in the "
                                        "wizard, or give --accept-suggestions to take every suggested answer.")
                                         .arg(blocking));
        QJsonArray warnings;
        for (const ReadinessItem &i : items)
            warnings.append(QJsonObject{{QStringLiteral("kind"), i.kind}, {QStringLiteral("subject"), i.subject}});
        o.auditMeta = QJsonObject{
            {QStringLiteral("acceptedSuggestions"), Readiness::acceptedInEffect(loaded->project, loaded->decisions)},
            {QStringLiteral("readinessWarnings"), warnings}};
        lap(QStringLiteral("readiness"));
        const ApplyResult r = RecoveryWriter(db, loaded->input).apply(o, &progress);
        lap(QStringLiteral("the writer (backup, plans, transaction)"));
        for (const ApplyStep &s : r.steps)
            lap(QStringLiteral("  ") + s.name, s.ms);
        out() << r.plan.describe() << "\n" << r.describe() << Qt::endl;
        if (!r.nothingToWrite) { // for the report: where, who, the backup's SHA-256, what was inserted
            ApplyRecord::add(loaded->project, ApplyRecord::make(r, identity, o.performedBy, items, loaded->project, loaded->decisions));
            loaded->project.save(loaded->path);
        }
        lap(QStringLiteral("record the apply in the project"));
        return Ok;
    });
}

int runVerify(const QStringList &args)
{
    QCommandLineParser p;
    const QCommandLineOption json(QStringLiteral("json"), tr("Also write the result as JSON."), tr("OUT"));
    p.addOptions({projectOption(), databaseOption(), json, envOption()});
    if (int rc = parse(p, QStringLiteral("verify"),
                       tr("Re-reads the database and compares it with the project: every incident once, links as "
                          "planned, roster rows present. Exits 1 when anything differs."),
                       args, {QStringLiteral("project")});
        rc >= 0)
        return rc;
    if (int rc = requireTarget(p, QStringLiteral("verify")); rc >= 0)
        return rc;
    return refusable([&]() -> int {
        const auto loaded = loadProject(p.value(projectOption()));
        Database db(ConnectionSpec::parse(targetUrl(p, EnvConfig::TargetUse::Read)));
        ServerIdentity identity;
        announce(db, loaded->input.school.domain, &identity);
        CliProgress progress;
        const VerifyResult v = RecoveryWriter(db, loaded->input).verify(&progress);
        if (ApplyRecord::setVerified(loaded->project, identity, v)) // the report shows it beside the apply
            loaded->project.save(loaded->path);
        if (p.isSet(json))
            writeJson(p.value(json), v.toJson());
        out() << tr("%1 of %2 incidents present; %3 linked to a student, %4 to a classroom; %5 teachers, %6 "
                    "classrooms, %7 students present.")
                     .arg(v.incidentsPresent)
                     .arg(v.incidentsChecked)
                     .arg(v.linkedStudents)
                     .arg(v.linkedClassrooms)
                     .arg(v.teachersPresent)
                     .arg(v.classroomsPresent)
                     .arg(v.studentsPresent)
              << Qt::endl;
        if (v.ok()) {
            out() << tr("Verified: the database matches the plan.") << Qt::endl;
            return Ok;
        }
        for (const QString &d : v.differences)
            out() << "  " << d << "\n";
        err() << tr("%1 differences between the database and the plan.").arg(v.differences.size()) << Qt::endl;
        return UserFailure;
    });
}

} // namespace tt::cli
