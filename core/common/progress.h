#pragma once
// The small progress/cancel interface long-running core work reports through.
// The GUI adapts it to signals on its worker thread; the CLI prints it; tests count it.
#include <QString>
#include <QtGlobal>
#include <atomic>
#include <stdexcept>

namespace tt {

class Progress
{
public:
    virtual ~Progress() = default;
    // A new phase ("Reading Incidents.csv"); total may be 0 when unknown.
    virtual void begin(const QString &phase, qint64 total) { Q_UNUSED(phase) Q_UNUSED(total) }
    // Work done so far in the current phase (same unit as total: bytes or rows).
    virtual void advance(qint64 done) { Q_UNUSED(done) }
    // Polled by the worker; true makes it stop by throwing tt::Cancelled.
    virtual bool cancelRequested() const { return false; }
};

// Thrown by core work when Progress::cancelRequested() became true. Nothing has been changed.
class Cancelled : public std::runtime_error
{
public:
    Cancelled() : std::runtime_error("cancelled") {}
};

// A Progress that only cancels when asked from another thread.
class CancelFlag : public Progress
{
public:
    void cancel() { m_cancel.store(true); }
    bool cancelRequested() const override { return m_cancel.load(); }

private:
    std::atomic_bool m_cancel{false};
};

inline void checkCancel(const Progress *p)
{
    if (p && p->cancelRequested())
        throw Cancelled();
}

} // namespace tt
