// Format 3 of the project file: an SQLite database (libsqlite3) used as an application file format.
//   meta(name, value): format, version, school, dateOrder, recordsRevision, fileId, saveSerial, recordCount
//   sources(idx, info JSON), strings(id, value), recordChunks(first, count, data): the records in chunks of a few
//   thousand, a compact binary encoding (recordchunks.h: uuid as 16 bytes, the repetitive text fields as ids into
//   strings), quarantine, warnings, duplicateChoices (one row per choice), rowEdits (one row per edit), sections
//   (one row per top-level key of each section), caches(name, inputKey, data).
// Format 2 (still read, written whole in format 3 on its first save) had records(seq, uuid, ts, type, studentId,
// the repetitive text fields as ids into strings, note, source, rowNumber, flags), one row per record.
// PRAGMA user_version holds the format version, application_id marks the file as ours.
// A full write goes to a temporary file beside the target (no journal: the file is not visible until it is
// complete), is fsync'ed and renamed over the target. Saving to the file the project knows writes only the
// parts that changed since, in one WAL transaction with synchronous=FULL.
#include "projectfile.h"
#include "recordchunks.h"

#include "common/errors.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QScopeGuard>
#include <QStringEncoder>
#include <QThread>
#include <QUrl>
#include <QUuid>

#include <cctype>
#include <cerrno>
#include <climits>
#include <cstring>
#include <exception>
#include <fcntl.h>
#include <functional>
#include <mutex>
#include <string_view>
#include <thread>
#include <sqlite3.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace tt {
namespace {

QString tr(const char *text) { return QCoreApplication::translate("tt::Project", text); }

constexpr int ApplicationId = 0x54547270; // "TTrp"
constexpr int BusyTimeoutMs = 5000;
constexpr int ReadLockTimeoutMs = 1000;
// A load reads the file through a memory map: no system call per page (the chunks' blobs are most of the file).
#define MmapSize "1073741824"
const char FormatName[] = "tracktally-recovery-project";

// An SQLite failure inside this file; turned into a ProjectError naming the file at the boundary.
struct SqlFailure
{
    int code;
    QString message;
};

[[noreturn]] void fail(sqlite3 *db, int code)
{
    throw SqlFailure{code, QString::fromUtf8(db ? sqlite3_errmsg(db) : sqlite3_errstr(code))};
}

class Db
{
public:
    Db(const QString &path, int flags)
    {
        // One connection per save or load, used by one thread: no per-call mutex.
        const int rc = sqlite3_open_v2(QFile::encodeName(path).constData(), &m_db, flags | SQLITE_OPEN_NOMUTEX, nullptr);
        if (rc != SQLITE_OK) {
            const SqlFailure f{rc, QString::fromUtf8(m_db ? sqlite3_errmsg(m_db) : sqlite3_errstr(rc))};
            sqlite3_close_v2(m_db);
            m_db = nullptr;
            throw f;
        }
        sqlite3_extended_result_codes(m_db, 1);
        sqlite3_busy_timeout(m_db, BusyTimeoutMs);
        sqlite3_db_config(m_db, SQLITE_DBCONFIG_DEFENSIVE, 1, nullptr);
    }
    ~Db() { sqlite3_close_v2(m_db); }
    Db(const Db &) = delete;
    Db &operator=(const Db &) = delete;
    void exec(const char *sql)
    {
        const int rc = sqlite3_exec(m_db, sql, nullptr, nullptr, nullptr);
        if (rc != SQLITE_OK)
            fail(m_db, rc);
    }
    sqlite3 *handle() const { return m_db; }

private:
    sqlite3 *m_db = nullptr;
};

class Stmt
{
public:
    Stmt(Db &db, const char *sql) : m_db(db.handle())
    {
        const int rc = sqlite3_prepare_v3(m_db, sql, -1, SQLITE_PREPARE_PERSISTENT, &m_st, nullptr);
        if (rc != SQLITE_OK)
            fail(m_db, rc);
    }
    ~Stmt() { sqlite3_finalize(m_st); }
    Stmt(const Stmt &) = delete;
    Stmt &operator=(const Stmt &) = delete;

    Stmt &bind(int i, qint64 v) { return check(sqlite3_bind_int64(m_st, i, v)); }
    Stmt &bindNull(int i) { return check(sqlite3_bind_null(m_st, i)); }
    // The QString must outlive step(): its UTF-16 is handed to SQLite without a copy.
    Stmt &bind(int i, const QString &v)
    {
        return check(sqlite3_bind_text16(m_st, i, v.utf16(), int(v.size() * 2), SQLITE_STATIC));
    }
    // The bytes must outlive step().
    Stmt &bindUtf8(int i, std::string_view utf8)
    {
        return check(sqlite3_bind_text(m_st, i, utf8.data(), int(utf8.size()), SQLITE_STATIC));
    }
    Stmt &bindText(int i, const QByteArray &utf8)
    {
        return check(sqlite3_bind_text(m_st, i, utf8.constData(), int(utf8.size()), SQLITE_TRANSIENT));
    }
    Stmt &bindText(int i, const std::string &utf8)
    {
        return check(sqlite3_bind_text(m_st, i, utf8.data(), int(utf8.size()), SQLITE_TRANSIENT));
    }
    Stmt &bindBlob(int i, const void *data, int size)
    {
        return check(sqlite3_bind_blob(m_st, i, size ? data : "", size, SQLITE_STATIC));
    }
    // True while there is a row; throws on an error. Resets itself after the last row.
    bool step()
    {
        const int rc = sqlite3_step(m_st);
        if (rc == SQLITE_ROW)
            return true;
        sqlite3_reset(m_st);
        if (rc != SQLITE_DONE)
            fail(m_db, rc);
        return false;
    }
    void run() { step(); }

    qint64 i64(int c) const { return sqlite3_column_int64(m_st, c); }
    int type(int c) const { return sqlite3_column_type(m_st, c); }
    QString text(int c) const
    {
        const auto *p = reinterpret_cast<const char *>(sqlite3_column_text(m_st, c));
        return QString::fromUtf8(p, sqlite3_column_bytes(m_st, c));
    }
    QByteArray blob(int c) const
    {
        const void *p = sqlite3_column_blob(m_st, c);
        return QByteArray(static_cast<const char *>(p), sqlite3_column_bytes(m_st, c));
    }
    std::string utf8(int c) const
    {
        const auto *p = reinterpret_cast<const char *>(sqlite3_column_text(m_st, c));
        return std::string(p ? p : "", size_t(sqlite3_column_bytes(m_st, c)));
    }
    const void *blobData(int c) const { return sqlite3_column_blob(m_st, c); }
    int bytes(int c) const { return sqlite3_column_bytes(m_st, c); }

private:
    Stmt &check(int rc)
    {
        if (rc != SQLITE_OK)
            fail(m_db, rc);
        return *this;
    }
    sqlite3 *m_db;
    sqlite3_stmt *m_st = nullptr;
};

const char Schema[] = R"(
CREATE TABLE meta(name TEXT PRIMARY KEY NOT NULL, value) WITHOUT ROWID;
CREATE TABLE sources(idx INTEGER PRIMARY KEY, info TEXT NOT NULL);
CREATE TABLE strings(id INTEGER PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE recordChunks(first INTEGER PRIMARY KEY, count INTEGER NOT NULL, data BLOB NOT NULL);
CREATE TABLE quarantine(seq INTEGER PRIMARY KEY, source INTEGER NOT NULL, rowNumber INTEGER NOT NULL,
  field TEXT NOT NULL, reason TEXT NOT NULL, cells TEXT NOT NULL);
CREATE TABLE warnings(seq INTEGER PRIMARY KEY, source INTEGER NOT NULL, rowNumber INTEGER NOT NULL,
  field TEXT NOT NULL, message TEXT NOT NULL);
CREATE TABLE duplicateChoices(uuid TEXT PRIMARY KEY NOT NULL, source INTEGER NOT NULL, rowNumber INTEGER NOT NULL)
  WITHOUT ROWID;
CREATE TABLE rowEdits(sourceSha256 TEXT NOT NULL, sheet TEXT NOT NULL, rowNumber INTEGER NOT NULL,
  seq INTEGER NOT NULL, cells TEXT NOT NULL, PRIMARY KEY(sourceSha256, sheet, rowNumber)) WITHOUT ROWID;
CREATE TABLE sections(section TEXT NOT NULL, whole INTEGER NOT NULL, name TEXT NOT NULL, value TEXT NOT NULL,
  PRIMARY KEY(section, whole, name)) WITHOUT ROWID;
CREATE TABLE caches(name TEXT PRIMARY KEY NOT NULL, inputKey BLOB NOT NULL, data BLOB NOT NULL);
)";

quint64 hashText(const std::string &text)
{
    return quint64(std::hash<std::string>{}(text));
}

// One row of the sections table: a top-level key of an object section, or a whole section that is not a
// non-empty object.
struct SectionRow
{
    std::string section;
    bool whole = false;
    std::string name;
    std::string value;
    std::string id() const { return section + '\0' + (whole ? '1' : '0') + name; }
};

std::vector<SectionRow> sectionRows(const nlohmann::json &sections)
{
    std::vector<SectionRow> rows;
    for (const auto &[section, value] : sections.items()) {
        if (value.is_object() && !value.empty()) {
            for (const auto &[key, v] : value.items())
                rows.push_back(SectionRow{section, false, key, v.dump()});
        } else {
            rows.push_back(SectionRow{section, true, std::string(), value.dump()});
        }
    }
    return rows;
}

// A list of text as a JSON array of strings, written directly (a few times faster than building the JSON value and
// dumping it, for the quarantine's rows): UTF-8, with '"', '\\' and the control characters escaped.
std::string jsonStringListText(const QStringList &list)
{
    static const char hex[] = "0123456789abcdef";
    std::string out = "[";
    for (qsizetype i = 0; i < list.size(); ++i) {
        const QByteArray utf8 = list[i].toUtf8();
        out += i ? ",\"" : "\"";
        for (const char c : utf8) {
            const auto u = static_cast<unsigned char>(c);
            if (u == '"' || u == '\\') {
                out += '\\';
                out += c;
            } else if (u < 0x20) {
                out += "\\u00";
                out += hex[u >> 4];
                out += hex[u & 0xf];
            } else {
                out += c;
            }
        }
        out += '"';
    }
    out += ']';
    return out;
}

QString damagedMessage(const QString &path, const QString &why)
{
    return tr("The project file %1 is damaged and cannot be read (%2). If you have a copy, open that one.")
        .arg(path, why);
}

ProjectError writeError(const QString &path, const SqlFailure &f)
{
    if ((f.code & 0xff) == SQLITE_BUSY || (f.code & 0xff) == SQLITE_LOCKED)
        return ProjectError(tr("Cannot save the project file %1: another program (a second window or a command) "
                               "is using it. Close it there and try again.")
                                .arg(path));
    return ProjectError(tr("Cannot save the project file %1: %2").arg(path, f.message));
}

// ---- files ----

// Tens of MB about to be written whole (the records of a load): 2 MB pages where the kernel has them (one page fault
// for 512 of 4 KB), only a hint.
void adviseHugePages(void *data, size_t bytes)
{
#ifdef MADV_HUGEPAGE
    constexpr quintptr Huge = quintptr(2) << 20;
    const quintptr begin = (quintptr(data) + Huge - 1) & ~(Huge - 1), end = (quintptr(data) + bytes) & ~(Huge - 1);
    if (end > begin)
        ::madvise(reinterpret_cast<void *>(begin), size_t(end - begin), MADV_HUGEPAGE);
#else
    Q_UNUSED(data);
    Q_UNUSED(bytes);
#endif
}

struct FdCloser
{
    int fd;
    ~FdCloser() { ::close(fd); }
};

void fsyncPath(const QString &path, bool directory)
{
    const int fd = ::open(QFile::encodeName(path).constData(), directory ? O_RDONLY | O_DIRECTORY : O_RDWR | O_CLOEXEC);
    if (fd < 0)
        return;
    ::fsync(fd);
    ::close(fd);
}

// Serialises writers of project files in one folder across processes (SQLite's own locks cannot cover a full
// write, which renames a new file over the old one), and keeps readers (shared) apart from them where it can:
// a reader that opened the old file and closes after a full write deletes NAME-wal by name, which may by then be
// the new file's (a later reader could then miss that WAL's last commit until its writer closes). flock on the
// folder: SQLite's POSIX locks do not interact with it, it survives the rename, the kernel releases it when a
// process dies. A reader waits at most a second, then reads anyway; a writer waits 5 s, then says the file is busy.
class FolderLock
{
public:
    enum Mode { Write, Read };
    FolderLock(const QString &dir, const QString &file, Mode mode = Write)
    {
        m_fd = ::open(QFile::encodeName(dir).constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (m_fd < 0)
            return; // cannot lock: SQLite's own locking still applies
        QDeadlineTimer deadline(mode == Write ? BusyTimeoutMs : ReadLockTimeoutMs);
        while (::flock(m_fd, (mode == Write ? LOCK_EX : LOCK_SH) | LOCK_NB) != 0) {
            if (errno != EWOULDBLOCK && errno != EINTR) {
                ::close(m_fd);
                m_fd = -1;
                return;
            }
            if (deadline.hasExpired()) {
                ::close(m_fd);
                m_fd = -1;
                if (mode == Read)
                    return; // a writer that never pauses: read anyway (SQLite still gives a consistent snapshot)
                throw writeError(file, SqlFailure{SQLITE_BUSY, QString()});
            }
            QThread::msleep(2);
        }
    }
    ~FolderLock()
    {
        if (m_fd >= 0)
            ::close(m_fd); // releases the flock
    }
    FolderLock(const FolderLock &) = delete;
    FolderLock &operator=(const FolderLock &) = delete;

private:
    int m_fd = -1;
};

} // namespace

// ---- writing ----

struct ProjectWriter
{
    const Project &p;
    Db &db;
    int writebackFd = -1; // a full write's file: its pages are handed to the disk as they are written

    void meta(const QByteArray &fileId, qint64 serial)
    {
        Stmt st(db, "INSERT OR REPLACE INTO meta(name, value) VALUES(?1, ?2)");
        auto text = [&](const char *name, const QString &v) { st.bindText(1, QByteArray(name)).bind(2, v).run(); };
        st.bindText(1, QByteArray("format")).bindText(2, QByteArray(FormatName)).run();
        st.bindText(1, QByteArray("version")).bind(2, qint64(Project::FormatVersion)).run();
        text("schoolName", p.m_school.name);
        text("schoolDomain", p.m_school.domain);
        text("schoolTimeZone", p.m_school.timeZone);
        text("dateOrder", dateOrderKey(p.m_dateOrder));
        const QByteArray revision = p.recordsRevision();
        st.bindText(1, QByteArray("recordsRevision")).bindBlob(2, revision.constData(), int(revision.size())).run();
        st.bindText(1, QByteArray("fileId")).bindBlob(2, fileId.constData(), int(fileId.size())).run();
        st.bindText(1, QByteArray("saveSerial")).bind(2, serial).run();
        st.bindText(1, QByteArray("recordCount")).bind(2, qint64(p.m_records->size())).run(); // format 3 checks it
    }

    void sources()
    {
        db.exec("DELETE FROM sources");
        Stmt st(db, "INSERT INTO sources(idx, info) VALUES(?1, ?2)");
        for (size_t i = 0; i < p.m_sources.size(); ++i)
            st.bind(1, qint64(i)).bindText(2, sourceToJson(p.m_sources[i]).dump()).run();
    }

    // The records as chunks (recordchunks.h), encoded on this thread and one more while this one inserts them in
    // order; some chunks ahead at most (some MB). `meanwhile` runs on this thread once the other has started, the
    // strings the encoders met go in after the chunks.
    void records(const std::function<void()> &meanwhile)
    {
        db.exec("DELETE FROM recordChunks; DELETE FROM strings");
        const std::vector<IncidentRecord> &records = *p.m_records;
        const size_t n = records.size(), chunks = (n + ChunkRecords - 1) / ChunkRecords;
        SharedStrings strings;
        ChunkEncoder encoders[2] = {ChunkEncoder(strings), ChunkEncoder(strings)};
        std::vector<ChunkBuffer> blobs(chunks), spare; // spare: inserted, to be reused
        std::mutex spareMutex;
        auto encode = [&](size_t i, int lane) {
            ChunkBuffer b;
            {
                std::lock_guard lock(spareMutex);
                if (!spare.empty()) {
                    b = std::move(spare.back());
                    spare.pop_back();
                }
            }
            const size_t first = i * ChunkRecords;
            encoders[lane].encode(records.data() + first, qMin(ChunkRecords, n - first), b);
            blobs[i] = std::move(b);
        };
        TwoLanes lanes(chunks, 32, encode);
        lanes.makeAvailable(chunks);
        meanwhile();
        Stmt ins(db, "INSERT INTO recordChunks(first, count, data) VALUES(?1, ?2, ?3)");
        for (size_t i = 0; i < chunks; ++i) {
            lanes.waitFor(i);
            const size_t first = i * ChunkRecords;
            ins.bind(1, qint64(first)).bind(2, qint64(qMin(ChunkRecords, n - first)));
            ins.bindBlob(3, blobs[i].data(), int(blobs[i].size())).run();
            {
                std::lock_guard lock(spareMutex);
                spare.push_back(std::move(blobs[i]));
            }
            lanes.release(i);
#ifdef SYNC_FILE_RANGE_WRITE
            if (writebackFd >= 0 && i % 8 == 7) // what SQLite wrote so far goes to the disk while it goes on
                ::sync_file_range(writebackFd, 0, 0, SYNC_FILE_RANGE_WRITE);
#endif
        }
        Stmt str(db, "INSERT INTO strings(id, value) VALUES(?1, ?2)");
        const std::vector<std::string> &added = strings.added();
        for (size_t i = 0; i < added.size(); ++i)
            str.bind(1, qint64(i + 1)).bindUtf8(2, added[i]).run();
    }

    void quarantine()
    {
        db.exec("DELETE FROM quarantine");
        Stmt st(db, "INSERT INTO quarantine VALUES(?1, ?2, ?3, ?4, ?5, ?6)");
        const auto &rows = *p.m_quarantine;
        for (size_t i = 0; i < rows.size(); ++i) {
            const QuarantinedRow &q = rows[i];
            st.bind(1, qint64(i)).bind(2, q.sourceIndex).bind(3, q.row).bind(4, q.field).bind(5, q.reason);
            st.bindText(6, jsonStringListText(q.cells)).run();
        }
    }

    void warnings()
    {
        db.exec("DELETE FROM warnings");
        Stmt st(db, "INSERT INTO warnings VALUES(?1, ?2, ?3, ?4, ?5)");
        const auto &rows = *p.m_warnings;
        for (size_t i = 0; i < rows.size(); ++i) {
            const RowWarning &w = rows[i];
            st.bind(1, qint64(i)).bind(2, w.sourceIndex).bind(3, w.row).bind(4, w.field).bind(5, w.message).run();
        }
    }

    // Only the choices that differ from `onDisk`.
    void choices(const QHash<QString, RecordKey> &onDisk)
    {
        const auto &now = p.m_duplicateChoices;
        if (now.isSharedWith(onDisk))
            return;
        Stmt put(db, "INSERT OR REPLACE INTO duplicateChoices VALUES(?1, ?2, ?3)");
        for (auto it = now.constBegin(); it != now.constEnd(); ++it) {
            auto old = onDisk.constFind(it.key());
            if (old == onDisk.constEnd() || old->sourceIndex != it->sourceIndex || old->row != it->row)
                put.bind(1, it.key()).bind(2, it->sourceIndex).bind(3, it->row).run();
        }
        Stmt del(db, "DELETE FROM duplicateChoices WHERE uuid = ?1");
        for (auto it = onDisk.constBegin(); it != onDisk.constEnd(); ++it)
            if (!now.contains(it.key()))
                del.bind(1, it.key()).run();
    }

    // Only the edits that differ from `onDisk`.
    void edits(const std::vector<RowEdit> &onDisk)
    {
        const auto &now = p.m_rowEdits;
        auto same = [](const RowEdit &a, const RowEdit &b) {
            return a.sourceSha256 == b.sourceSha256 && a.sheet == b.sheet && a.row == b.row && a.cells == b.cells;
        };
        auto sameKey = [](const RowEdit &a, const RowEdit &b) {
            return a.sourceSha256 == b.sourceSha256 && a.sheet == b.sheet && a.row == b.row;
        };
        Stmt del(db, "DELETE FROM rowEdits WHERE sourceSha256 = ?1 AND sheet = ?2 AND rowNumber = ?3");
        for (const RowEdit &old : onDisk)
            if (std::none_of(now.begin(), now.end(), [&](const RowEdit &e) { return sameKey(e, old); }))
                del.bind(1, old.sourceSha256).bind(2, old.sheet).bind(3, old.row).run();
        Stmt put(db, "INSERT OR REPLACE INTO rowEdits VALUES(?1, ?2, ?3, ?4, ?5)");
        for (size_t i = 0; i < now.size(); ++i) {
            if (i < onDisk.size() && same(now[i], onDisk[i]))
                continue;
            const RowEdit &e = now[i];
            put.bind(1, e.sourceSha256).bind(2, e.sheet).bind(3, e.row).bind(4, qint64(i));
            put.bindText(5, jsonStringList(e.cells).dump()).run();
        }
    }

    // Only the section rows whose text changed; returns the hashes now on disk.
    std::map<std::string, quint64> sections(const std::map<std::string, quint64> &onDisk)
    {
        std::map<std::string, quint64> now;
        Stmt put(db, "INSERT OR REPLACE INTO sections VALUES(?1, ?2, ?3, ?4)");
        for (const SectionRow &row : sectionRows(p.m_sections)) {
            const std::string id = row.id();
            const quint64 h = hashText(row.value);
            now[id] = h;
            auto old = onDisk.find(id);
            if (old != onDisk.end() && old->second == h)
                continue;
            put.bindText(1, row.section).bind(2, row.whole ? 1 : 0).bindText(3, row.name).bindText(4, row.value).run();
        }
        Stmt del(db, "DELETE FROM sections WHERE section = ?1 AND whole = ?2 AND name = ?3");
        for (const auto &[id, h] : onDisk) {
            if (now.count(id))
                continue;
            const size_t zero = id.find('\0');
            del.bindText(1, id.substr(0, zero)).bind(2, id[zero + 1] == '1' ? 1 : 0).bindText(3, id.substr(zero + 2));
            del.run();
        }
        return now;
    }

    void caches(const std::map<std::string, quint64> &onDisk)
    {
        Stmt put(db, "INSERT OR REPLACE INTO caches VALUES(?1, ?2, ?3)");
        for (const auto &[name, entry] : p.m_caches) {
            auto old = onDisk.find(name);
            if (old != onDisk.end() && old->second == entry.revision)
                continue;
            put.bindText(1, name).bindBlob(2, entry.key.constData(), int(entry.key.size()));
            put.bindBlob(3, entry.data.constData(), int(entry.data.size())).run();
        }
    }

    // Everything the state needs to know after this project was written (sections: from sections()).
    void record(ProjectFileState &state, std::map<std::string, quint64> sectionHashes) const
    {
        state.revisions = p.m_rev;
        state.choices = p.m_duplicateChoices;
        state.edits = p.m_rowEdits;
        state.sectionHashes = std::move(sectionHashes);
        state.caches.clear();
        for (const auto &[name, entry] : p.m_caches)
            state.caches[name] = entry.revision;
    }
};

void ProjectFile::writeFull(const Project &project, const QString &path, ProjectFileState &state)
{
    const QFileInfo target(path);
    const QString dir = target.absolutePath();
    FolderLock lock(dir, path);
    // What a writer killed during a full write left (no writer of this folder runs while the lock is held).
    const QString pattern = u"."_s + target.fileName() + u".saving-*"_s;
    for (const QString &stale : QDir(dir).entryList({pattern}, QDir::Files | QDir::Hidden | QDir::System))
        QFile::remove(dir + u'/' + stale);
    const QString tmp = dir + u"/."_s + target.fileName() + u".saving-"_s
        + QUuid::createUuid().toString(QUuid::Id128).left(12);
    const int fd = ::open(QFile::encodeName(tmp).constData(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
    if (fd < 0)
        throw ProjectError(tr("Cannot write the project file %1: %2").arg(path, QString::fromLocal8Bit(std::strerror(errno))));
    const FdCloser closeFd{fd}; // kept open: handed to the disk while SQLite writes (sync_file_range), then fsync'ed
    const QByteArray fileId = QUuid::createUuid().toRfc4122();
    try {
        Db db(tmp, SQLITE_OPEN_READWRITE);
        // A cache smaller than the records: SQLite writes their pages while the chunks are encoded, not all at the
        // commit. 64 KB pages: an eighth of the writes (and overflow pages) of 8 KB ones for the chunks' blobs.
        db.exec("PRAGMA page_size = 65536; PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; "
                "PRAGMA locking_mode = EXCLUSIVE; PRAGMA cache_size = -8192");
        db.exec(("PRAGMA application_id = " + std::to_string(ApplicationId)
                 + "; PRAGMA user_version = " + std::to_string(Project::FormatVersion)).c_str());
        db.exec("BEGIN");
        db.exec(Schema);
        ProjectWriter w{project, db, fd};
        w.meta(fileId, 1);
        w.sources();
        w.records([&] {
            w.quarantine();
            w.warnings();
        });
        w.choices({});
        w.edits({});
        auto hashes = w.sections({});
        w.caches({});
        db.exec("COMMIT");
        db.exec("PRAGMA journal_mode = WAL"); // autosaves from now on: one short WAL transaction each
        w.record(state, std::move(hashes));
    } catch (const SqlFailure &f) {
        QFile::remove(tmp);
        state.path.clear();
        throw writeError(path, f);
    }
    ::fsync(fd);
    // A WAL or journal left beside the old file (a crash) must not be applied to the new one.
    for (const char *suffix : {"-wal", "-shm", "-journal"})
        QFile::remove(target.absoluteFilePath() + QLatin1String(suffix));
    if (::rename(QFile::encodeName(tmp).constData(), QFile::encodeName(target.absoluteFilePath()).constData()) != 0) {
        const int err = errno;
        QFile::remove(tmp);
        state.path.clear();
        throw ProjectError(tr("Cannot save the project file %1: %2").arg(path, QString::fromLocal8Bit(std::strerror(err))));
    }
    fsyncPath(dir, true);
    state.path = target.absoluteFilePath();
    state.fileId = fileId;
    state.serial = 1;
}

// False when the file is not the one `state` describes (then nothing was written).
bool ProjectFile::writeChanges(const Project &project, const QString &path, ProjectFileState &state)
{
    FolderLock lock(QFileInfo(path).absolutePath(), path);
    try {
        Db db(path, SQLITE_OPEN_READWRITE);
        db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL");
        db.exec("BEGIN IMMEDIATE");
        QByteArray fileId;
        qint64 serial = -1;
        {
            Stmt st(db, "SELECT name, value FROM meta WHERE name IN ('fileId', 'saveSerial')");
            while (st.step())
                (st.utf8(0) == "fileId" ? (void)(fileId = st.blob(1)) : (void)(serial = st.i64(1)));
        }
        if (fileId != state.fileId || serial != state.serial)
            return false; // replaced or written by another program: the caller writes it whole
        {
            Stmt v(db, "PRAGMA user_version");
            if (!v.step() || v.i64(0) != Project::FormatVersion)
                return false; // an earlier format (format 2's records table): written whole in this one
        }
        ProjectWriter w{project, db};
        const Project::Revisions &disk = state.revisions;
        w.meta(fileId, serial + 1);
        if (project.m_rev.sources != disk.sources)
            w.sources();
        if (project.m_rev.quarantine != disk.quarantine)
            w.quarantine();
        if (project.m_rev.warnings != disk.warnings)
            w.warnings();
        w.choices(state.choices);
        w.edits(state.edits);
        auto hashes = w.sections(state.sectionHashes);
        w.caches(state.caches);
        db.exec("COMMIT");
        w.record(state, std::move(hashes));
        state.serial = serial + 1;
        return true;
    } catch (const SqlFailure &f) {
        if ((f.code & 0xff) == SQLITE_BUSY || (f.code & 0xff) == SQLITE_LOCKED)
            throw writeError(path, f);
        return false; // not an SQLite project we can update (damaged, replaced): written whole
    }
}

void ProjectFile::save(const Project &project, const QString &path)
{
    if (!project.m_file)
        project.m_file = std::make_shared<ProjectFileState>();
    ProjectFileState &state = *project.m_file;
    QMutexLocker locker(&state.mutex);
    const QString absolute = QFileInfo(path).absoluteFilePath();
    const bool known = !state.path.isEmpty() && state.path == absolute && QFileInfo::exists(absolute);
    // Records changed (an import): rewriting them in place would cost more than writing the file anew.
    if (known && project.m_rev.records == state.revisions.records && writeChanges(project, absolute, state))
        return;
    writeFull(project, absolute, state);
}

// ---- reading ----

struct ProjectReader
{
    Project &p;
    Db &db;
    const QString &path;
    qint64 format; // PRAGMA user_version: 2 keeps the records in rows, 3 in chunks
    qint64 recordCount = -1; // meta's, when it has one

    [[noreturn]] void damaged(const QString &why) const { throw ProjectError(damagedMessage(path, why)); }

    void meta()
    {
        Stmt st(db, "SELECT name, value FROM meta");
        QHash<QString, QString> text;
        while (st.step()) {
            const std::string name = st.utf8(0);
            if (name == "recordsRevision")
                p.m_loadedRevision = st.blob(1);
            else if (name == "fileId")
                p.m_file->fileId = st.blob(1);
            else if (name == "saveSerial")
                p.m_file->serial = st.i64(1);
            else if (name == "recordCount")
                recordCount = st.i64(1);
            else if (name == "version" && st.i64(1) > Project::FormatVersion)
                throw ProjectError(tr("%1 was saved by a newer version of TrackTally Recovery (format %2); "
                                      "please update the application.")
                                       .arg(path)
                                       .arg(st.i64(1)));
            else
                text.insert(QString::fromStdString(name), st.text(1));
        }
        if (text.value(u"format"_s) != QLatin1String(FormatName))
            throw ProjectError(tr("%1 is not a TrackTally Recovery project file.").arg(path));
        p.m_school = SchoolInfo{text.value(u"schoolName"_s), text.value(u"schoolDomain"_s), text.value(u"schoolTimeZone"_s)};
        p.m_dateOrder = dateOrderFromKey(text.value(u"dateOrder"_s));
        if (p.m_loadedRevision.isEmpty())
            p.m_revisionCounter = nextRecordsRevisionCounter();
    }

    void sources()
    {
        Stmt st(db, "SELECT idx, info FROM sources ORDER BY idx");
        while (st.step()) {
            if (st.i64(0) != qint64(p.m_sources.size()))
                damaged(tr("the sources are not numbered in order"));
            p.m_sources.push_back(sourceFromJson(nlohmann::json::parse(st.utf8(1))));
        }
    }

    std::vector<QString> strings()
    {
        std::vector<QString> out{QString()};
        Stmt st(db, "SELECT id, value FROM strings ORDER BY id");
        while (st.step()) {
            if (st.i64(0) != qint64(out.size()))
                damaged(tr("the text of the records is not numbered in order"));
            out.push_back(st.text(1));
        }
        return out;
    }

    void records()
    {
        if (format >= 3)
            recordChunks();
        else
            recordRows();
    }

    // Format 3: the chunks' places and sizes (no blob read), checked against meta's count of records.
    std::vector<std::pair<size_t, size_t>> chunkPlaces() // first, count
    {
        std::vector<std::pair<size_t, size_t>> chunks;
        size_t total = 0;
        Stmt st(db, "SELECT first, count, length(data), typeof(data) = 'blob' FROM recordChunks ORDER BY first");
        while (st.step()) {
            const qint64 count = st.i64(1);
            if (st.i64(0) != qint64(total))
                damaged(tr("the chunks of records are not numbered in order"));
            if (!st.i64(3))
                damaged(tr("a chunk of records is not binary data"));
            // At least MinRecordBytes each: what a hostile count makes the load allocate stays proportional to the file.
            if (count < 1 || count > st.i64(2) / qint64(MinRecordBytes) || count > qint64(ChunkRecords) * 16)
                damaged(tr("a chunk of records has a wrong count"));
            chunks.emplace_back(total, size_t(count));
            total += size_t(count);
        }
        if (qint64(total) != recordCount)
            damaged(tr("its chunks hold %1 records where the file lists %2").arg(total).arg(recordCount));
        return chunks;
    }

    // Format 3: while this thread reads the blobs, another makes room for the records (page faults and
    // constructors, tens of ms at 262k); then the blobs are decoded on both, each lane with its own copy of the
    // strings (no reference counts shared between threads).
    void recordChunks()
    {
        std::vector<QString> strings[2] = {this->strings(), {}};
        for (const QString &s : strings[0])
            strings[1].push_back(QString(s.constData(), s.size()));
        const std::vector<std::pair<size_t, size_t>> chunks = chunkPlaces();
        auto &records = p.m_records.mut();
        std::exception_ptr sizeError;
        auto resize = [&, total = size_t(recordCount)] {
            try {
                records.reserve(total);
                adviseHugePages(records.data(), total * sizeof(IncidentRecord));
                records.resize(total);
            } catch (...) {
                sizeError = std::current_exception();
            }
        };
        std::thread sizer;
        if (chunks.size() > 1) // else not worth a thread
            sizer = std::thread(resize);
        else
            resize();
        auto joinSizer = qScopeGuard([&] {
            if (sizer.joinable())
                sizer.join();
        });
        std::vector<QByteArray> blobs(chunks.size());
        Stmt st(db, "SELECT data FROM recordChunks ORDER BY first");
        size_t read = 0;
        while (read < chunks.size() && st.step())
            blobs[read++] = st.blob(0);
        if (read != chunks.size())
            damaged(tr("a chunk of records is missing"));
        joinSizer.dismiss();
        if (sizer.joinable())
            sizer.join();
        if (sizeError)
            std::rethrow_exception(sizeError);
        const size_t sourceCount = p.m_sources.size();
        TwoLanes lanes(chunks.size(), chunks.size(), [&](size_t i, int lane) {
            const QByteArray blob = std::exchange(blobs[i], QByteArray());
            decodeChunk(blob.constData(), size_t(blob.size()), records.data() + chunks[i].first, chunks[i].second,
                        strings[lane], sourceCount);
        });
        lanes.makeAvailable(chunks.size());
        for (size_t i = 0; i < chunks.size(); ++i)
            lanes.waitFor(i);
    }

    // Format 2: one row per record.
    void recordRows()
    {
        const std::vector<QString> strings = this->strings();
        auto shared = [&](const Stmt &st, int c) -> const QString & {
            const qint64 id = st.i64(c);
            if (id < 0 || id >= qint64(strings.size()))
                damaged(tr("a record refers to text the file does not hold"));
            return strings[size_t(id)];
        };
        qint64 count = 0;
        {
            Stmt n(db, "SELECT max(seq) + 1 FROM records"); // the rowid's maximum: no scan
            if (n.step())
                count = n.i64(0);
        }
        auto &records = p.m_records.mut();
        records.reserve(size_t(qBound(qint64(0), count, qint64(50000000))));
        Stmt st(db, "SELECT uuid, ts, type, studentId, studentName, level, category, location, actionTaken, note, "
                    "teacherEmail, classCode, device, source, rowNumber, flags FROM records ORDER BY seq");
        while (st.step()) {
            IncidentRecord r;
            if (st.type(0) == SQLITE_BLOB && st.bytes(0) == 16)
                r.uuid = unpackUuid(static_cast<const unsigned char *>(st.blobData(0)));
            else
                r.uuid = st.text(0);
            r.timestampMs = st.i64(1);
            r.type = st.i64(2) == 1 ? RecordType::Commendation : RecordType::Incident;
            r.studentId = st.text(3);
            r.studentName = shared(st, 4);
            r.level = shared(st, 5);
            r.category = shared(st, 6);
            r.location = shared(st, 7);
            r.actionTaken = shared(st, 8);
            r.note = st.text(9);
            r.teacherEmail = shared(st, 10);
            r.classCode = shared(st, 11);
            r.device = shared(st, 12);
            const qint64 source = st.i64(13), flags = st.i64(15);
            if (source < 0 || source >= qint64(p.m_sources.size()))
                throw ProjectError(tr("The project file %1 is damaged: a record refers to a source it does not list.").arg(path));
            if (flags < 0 || flags > 0xffff)
                damaged(tr("a record's flags are out of range"));
            r.sourceIndex = int(source);
            r.sourceRow = st.i64(14);
            r.flags = quint16(flags);
            records.push_back(std::move(r));
        }
    }

    void rows()
    {
        Stmt q(db, "SELECT source, rowNumber, field, reason, cells FROM quarantine ORDER BY seq");
        while (q.step())
            p.m_quarantine.mut().push_back(QuarantinedRow{int(qBound(qint64(-1), q.i64(0), qint64(INT_MAX))), q.i64(1), q.text(2),
                                                          q.text(3), stringListFromJson(nlohmann::json::parse(q.utf8(4)))});
        Stmt w(db, "SELECT source, rowNumber, field, message FROM warnings ORDER BY seq");
        while (w.step())
            p.m_warnings.mut().push_back(RowWarning{int(qBound(qint64(-1), w.i64(0), qint64(INT_MAX))), w.i64(1), w.text(2), w.text(3)});
        Stmt c(db, "SELECT uuid, source, rowNumber FROM duplicateChoices");
        while (c.step())
            p.m_duplicateChoices.insert(c.text(0), RecordKey{int(qBound(qint64(-1), c.i64(1), qint64(INT_MAX))), c.i64(2)});
        Stmt e(db, "SELECT sourceSha256, sheet, rowNumber, cells FROM rowEdits ORDER BY seq");
        while (e.step())
            p.m_rowEdits.push_back(RowEdit{e.text(0), e.text(1), e.i64(2), stringListFromJson(nlohmann::json::parse(e.utf8(3)))});
    }

    void sections()
    {
        Stmt st(db, "SELECT section, whole, name, value FROM sections");
        while (st.step()) {
            SectionRow row{st.utf8(0), st.i64(1) != 0, st.utf8(2), st.utf8(3)};
            if (QString::fromStdString(row.section).toStdString() != row.section
                || QString::fromStdString(row.name).toStdString() != row.name)
                damaged(tr("a section's name is not text"));
            nlohmann::json value = nlohmann::json::parse(row.value);
            if (row.whole) {
                p.m_sections[row.section] = std::move(value);
            } else {
                nlohmann::json &section = p.m_sections[row.section];
                if (!section.is_object())
                    section = nlohmann::json::object();
                section[row.name] = std::move(value);
            }
            p.m_file->sectionHashes[row.id()] = hashText(row.value);
        }
        Stmt c(db, "SELECT name, inputKey, data FROM caches");
        while (c.step()) {
            const quint64 revision = Project::nextRevision();
            p.m_caches[c.utf8(0)] = Project::CacheEntry{c.blob(1), c.blob(2), revision};
            p.m_file->caches[c.utf8(0)] = revision;
        }
    }
};

Project ProjectFile::loadSqlite(const QString &path)
{
    Project p;
    p.m_file = std::make_shared<ProjectFileState>();
    FolderLock lock(QFileInfo(path).absolutePath(), path, FolderLock::Read);
    try {
        std::unique_ptr<Db> db;
        qint64 format = 0;
        try {
            db = std::make_unique<Db>(path, SQLITE_OPEN_READWRITE);
            db->exec("PRAGMA cell_size_check = ON; PRAGMA trusted_schema = OFF; PRAGMA mmap_size = " MmapSize
                     "; BEGIN; SELECT count(*) FROM sqlite_schema");
        } catch (const SqlFailure &f) {
            const int code = f.code & 0xff;
            if (code != SQLITE_CANTOPEN && code != SQLITE_READONLY && code != SQLITE_PERM && code != SQLITE_IOERR)
                throw;
            // A read-only file or folder (a WAL file needs its -shm beside it): read it as it stands.
            const QByteArray uri = "file:" + QUrl::toPercentEncoding(QFileInfo(path).absoluteFilePath(), "/") + "?immutable=1";
            db = std::make_unique<Db>(QString::fromUtf8(uri), SQLITE_OPEN_READONLY | SQLITE_OPEN_URI);
            db->exec("PRAGMA cell_size_check = ON; PRAGMA trusted_schema = OFF; PRAGMA mmap_size = " MmapSize "; BEGIN");
        }
        {
            Stmt v(*db, "PRAGMA user_version");
            if (v.step())
                format = v.i64(0);
            if (format > Project::FormatVersion)
                throw ProjectError(tr("%1 was saved by a newer version of TrackTally Recovery (format %2); "
                                      "please update the application.")
                                       .arg(path)
                                       .arg(format));
            // Our tables, as tables; nothing that runs code when read or written (views, triggers).
            const std::string tables = "SELECT count(*) FILTER (WHERE type = 'table' AND name = 'meta'), count(*) "
                                       "FILTER (WHERE type = 'table' AND name IN ('sources', 'strings', '"
                + std::string(format >= 3 ? "recordChunks" : "records")
                + "', 'quarantine', 'warnings', 'duplicateChoices', 'rowEdits', 'sections', 'caches')), count(*) "
                  "FILTER (WHERE type IN ('view', 'trigger')) FROM sqlite_schema";
            Stmt t(*db, tables.c_str());
            if (!t.step() || t.i64(0) == 0)
                throw ProjectError(tr("%1 is not a TrackTally Recovery project file.").arg(path));
            if (t.i64(1) != 9 || t.i64(2) != 0)
                throw ProjectError(damagedMessage(path, tr("its tables are not a project's")));
        }
        ProjectReader r{p, *db, path, format};
        r.meta();
        r.sources();
        r.records();
        r.rows();
        r.sections();
        db->exec("COMMIT");
    } catch (const SqlFailure &f) {
        throw ProjectError(damagedMessage(path, f.message));
    } catch (const ChunkDamaged &d) {
        throw ProjectError(damagedMessage(path, d.why));
    } catch (const nlohmann::json::exception &e) {
        throw ProjectError(damagedMessage(path, QString::fromUtf8(e.what())));
    }
    ProjectFileState &state = *p.m_file;
    state.path = QFileInfo(path).absoluteFilePath();
    p.m_rev = Project::Revisions{Project::nextRevision(), Project::nextRevision(), Project::nextRevision(),
                                 Project::nextRevision()};
    state.revisions = p.m_rev;
    state.choices = p.m_duplicateChoices;
    state.edits = p.m_rowEdits;
    return p;
}

// Writes the SQLite project in place of the JSON one, the original kept beside it under a name that says what
// it is, never over an existing file. When that cannot be done (a read-only folder), the project stays as read.
void ProjectFile::convertJson(Project &project, const QString &path)
{
    const QString absolute = QFileInfo(path).absoluteFilePath();
    QString kept;
    for (int n = 1; n < 100 && kept.isEmpty(); ++n) {
        const QString candidate = absolute + (n == 1 ? u".v1.json"_s : u".v1-%1.json"_s.arg(n));
        if (::link(QFile::encodeName(absolute).constData(), QFile::encodeName(candidate).constData()) == 0) {
            kept = candidate;
            break;
        }
        if (errno == EEXIST || QFileInfo::exists(candidate))
            continue; // never over an existing file
        if (!QFile::copy(absolute, candidate)) // a file system without hard links, else a read-only folder
            return;
        QFile::setPermissions(candidate, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
        kept = candidate;
    }
    if (kept.isEmpty())
        return;
    try {
        if (!project.m_file)
            project.m_file = std::make_shared<ProjectFileState>();
        QMutexLocker locker(&project.m_file->mutex);
        writeFull(project, absolute, *project.m_file);
    } catch (const ProjectError &) {
        QFile::remove(kept);
        return;
    }
    project.m_convertedFrom = kept;
}

Project ProjectFile::load(const QString &path)
{
    QFile file(path);
    if (!file.exists())
        throw ProjectError(tr("The project file %1 does not exist.").arg(path));
    if (!file.open(QIODevice::ReadOnly))
        throw ProjectError(tr("Cannot open the project file %1: %2").arg(path, file.errorString()));
    if (file.peek(16) == QByteArray("SQLite format 3\0", 16)) {
        file.close();
        return loadSqlite(path);
    }
    const qint64 size = file.size();
    const uchar *data = size > 0 ? file.map(0, size) : nullptr;
    QByteArray fallback;
    if (!data && size > 0) {
        fallback = file.readAll();
        data = reinterpret_cast<const uchar *>(fallback.constData());
    }
    const char *begin = reinterpret_cast<const char *>(data);
    const char *nonSpace = begin;
    while (nonSpace < begin + size && std::isspace(static_cast<unsigned char>(*nonSpace)))
        ++nonSpace;
    if (nonSpace == begin + size || *nonSpace != '{')
        throw ProjectError(damagedMessage(path, size == 0 ? tr("it is empty") : tr("it is neither a project database nor JSON")));
    Project p = loadJsonV1(path, begin, size);
    file.close();
    convertJson(p, path);
    return p;
}

} // namespace tt
