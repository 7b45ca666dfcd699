#include "project.h"

#include "common/errors.h"
#include "project/projectfile.h"

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QUuid>
#include <algorithm>
#include <atomic>
#include <memory>

#include <openssl/evp.h>

namespace tt {
namespace {

QString tr(const char *text) { return QCoreApplication::translate("tt::Project", text); }

} // namespace

QString SourceInfo::displayName() const
{
    const QString file = QFileInfo(path).fileName();
    if (kind == u"csv")
        return file;
    if (kind == u"sheets-api")
        return tr("Google Sheet, %1").arg(sheet);
    return tr("%1, %2").arg(file, sheet);
}

Project Project::create(const SchoolInfo &school)
{
    Project p;
    p.m_school = school;
    p.m_file = std::make_shared<ProjectFileState>();
    p.touch();
    return p;
}

DateOrder Project::fallbackDateOrder() const
{
    if (m_dateOrder != DateOrder::Auto)
        return m_dateOrder;
    return defaultDateOrderForZone(timeZone().id().isEmpty() ? QString() : QString::fromUtf8(timeZone().id()));
}

QTimeZone Project::timeZone() const
{
    if (!m_school.timeZone.isEmpty()) {
        QTimeZone z(m_school.timeZone.toUtf8());
        if (z.isValid())
            return z;
    }
    return QTimeZone::systemTimeZone();
}

int Project::findSource(const QString &sha256, const QString &sheet) const
{
    for (size_t i = 0; i < m_sources.size(); ++i)
        if (m_sources[i].sha256 == sha256 && m_sources[i].sheet == sheet)
            return int(i);
    return -1;
}

int Project::findSourceByPath(const QString &path, const QString &sheet) const
{
    const QString canonical = QFileInfo(path).absoluteFilePath();
    for (size_t i = 0; i < m_sources.size(); ++i)
        if (QFileInfo(m_sources[i].path).absoluteFilePath() == canonical && m_sources[i].sheet == sheet)
            return int(i);
    return -1;
}

void Project::clearSourceData(int sourceIndex)
{
    touch();
    m_rev.records = m_rev.quarantine = m_rev.warnings = nextRevision();
    auto byRecord = [sourceIndex](const IncidentRecord &r) { return r.sourceIndex == sourceIndex; };
    std::erase_if(m_records.mut(), byRecord);
    auto byRow = [sourceIndex](const auto &x) { return x.sourceIndex == sourceIndex; };
    std::erase_if(m_quarantine.mut(), byRow);
    std::erase_if(m_warnings.mut(), byRow);
}

const DedupeResult &Project::dedupe() const
{
    if (!m_dedupeValid) {
        m_dedupe = deduplicate(*m_records, m_duplicateChoices);
        m_dedupeValid = true;
    }
    return m_dedupe;
}

void Project::chooseDuplicate(const QString &uuid, const RecordKey &key)
{
    m_duplicateChoices.insert(uuid, key);
    touch();
}

void Project::clearDuplicateChoice(const QString &uuid)
{
    m_duplicateChoices.remove(uuid);
    touch();
}

std::vector<IncidentRecord> Project::acceptedRecords() const
{
    const DedupeResult &d = dedupe();
    std::vector<IncidentRecord> out;
    out.reserve(size_t(d.accepted));
    for (size_t i = 0; i < m_records->size(); ++i)
        if (d.status[i] == RecordStatus::Accepted)
            out.push_back((*m_records)[i]);
    return out;
}

RowCounts Project::counts(int sourceIndex) const
{
    const DedupeResult &d = dedupe();
    RowCounts c;
    for (size_t i = 0; i < m_sources.size(); ++i) {
        if (sourceIndex >= 0 && int(i) != sourceIndex)
            continue;
        c.read += m_sources[i].counts.read;
        c.blank += m_sources[i].counts.blank;
        c.headerRows += m_sources[i].counts.headerRows;
    }
    for (size_t i = 0; i < m_records->size(); ++i) {
        if (sourceIndex >= 0 && (*m_records)[i].sourceIndex != sourceIndex)
            continue;
        switch (d.status[i]) {
        case RecordStatus::Accepted: ++c.accepted; break;
        case RecordStatus::DuplicateIdentical: ++c.duplicatesIdentical; break;
        case RecordStatus::DuplicateConflicting: ++c.duplicatesConflicting; break;
        }
    }
    for (const QuarantinedRow &qr : *m_quarantine)
        if (sourceIndex < 0 || qr.sourceIndex == sourceIndex)
            ++c.quarantined;
    return c;
}

qint64 Project::acceptedOfType(RecordType t) const
{
    const DedupeResult &d = dedupe();
    qint64 n = 0;
    for (size_t i = 0; i < m_records->size(); ++i)
        if (d.status[i] == RecordStatus::Accepted && (*m_records)[i].type == t)
            ++n;
    return n;
}

void Project::setRowEdit(const RowEdit &edit)
{
    touch();
    for (RowEdit &e : m_rowEdits) {
        if (e.sourceSha256 == edit.sourceSha256 && e.sheet == edit.sheet && e.row == edit.row) {
            e.cells = edit.cells;
            return;
        }
    }
    m_rowEdits.push_back(edit);
}

void Project::setCache(const std::string &name, const QByteArray &key, const QByteArray &data)
{
    m_caches[name] = CacheEntry{key, data, nextRevision()};
    ++m_generation;
}

std::optional<QByteArray> Project::cache(const std::string &name, const QByteArray &key) const
{
    auto it = m_caches.find(name);
    if (it == m_caches.end() || it->second.key != key)
        return std::nullopt;
    return it->second.data;
}

namespace {
std::atomic<quint64> g_revisionCounter{0};
std::atomic<quint64> g_partRevision{0};
const QByteArray &revisionSalt()
{
    static const QByteArray salt = QUuid::createUuid().toRfc4122().left(8);
    return salt;
}
} // namespace

quint64 nextRecordsRevisionCounter()
{
    return ++g_revisionCounter;
}

quint64 Project::nextRevision()
{
    return ++g_partRevision;
}

void Project::touch()
{
    ++m_generation;
    m_dedupeValid = false;
    m_revisionCounter = ++g_revisionCounter;
}

QByteArray Project::recordsRevision() const
{
    if (m_revisionCounter == 0 && !m_loadedRevision.isEmpty())
        return m_loadedRevision;
    QByteArray r = revisionSalt();
    for (int i = 0; i < 8; ++i)
        r.append(char((m_revisionCounter >> (8 * i)) & 0xff));
    return r;
}

const nlohmann::json *Project::section(const std::string &name) const
{
    auto it = m_sections.find(name);
    return it == m_sections.end() ? nullptr : &*it;
}

void Project::save(const QString &path) const
{
    ProjectFile::save(*this, path);
}

void Project::saveJsonV1(const QString &path) const
{
    ProjectFile::saveJsonV1(*this, path);
}

Project Project::load(const QString &path)
{
    return ProjectFile::load(path);
}

QString sha256OfFile(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        throw SourceError(path, QCoreApplication::translate("tt::Project", "Cannot open %1: %2").arg(path, f.errorString()));
    // OpenSSL's SHA-256 (SHA-NI/AVX2: 1-2 GB/s; QCryptographicHash's portable code manages ~40 MB/s, slower than
    // parsing the export it hashes), read in 1 MiB blocks: constant memory, nothing mapped.
    const std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX *)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1)
        throw SourceError(path, QCoreApplication::translate("tt::Project", "Cannot read %1: %2").arg(path, u"SHA-256 unavailable"_qs));
    constexpr qint64 Block = qint64(1) << 20;
    QByteArray buffer(Block, Qt::Uninitialized);
    for (;;) {
        const qint64 n = f.read(buffer.data(), Block);
        if (n < 0)
            throw SourceError(path, QCoreApplication::translate("tt::Project", "Cannot read %1: %2").arg(path, f.errorString()));
        if (n == 0)
            break;
        EVP_DigestUpdate(ctx.get(), buffer.constData(), size_t(n));
    }
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_DigestFinal_ex(ctx.get(), digest, &len);
    return QString::fromLatin1(QByteArray(reinterpret_cast<const char *>(digest), int(len)).toHex());
}

} // namespace tt
