#!/usr/bin/python3
"""Writes deploy/grafana/daqz-dashboard.json, the Grafana dashboard of a daqz readout farm.

    /usr/bin/python3 deploy/grafana/make_dashboard.py            # rewrites the JSON beside this script
    /usr/bin/python3 deploy/grafana/make_dashboard.py --check    # exit 1 if the JSON is out of date

The dashboard is generated so that every panel follows the same conventions: a "datasource" variable
(imports cleanly into any Grafana with a Prometheus data source), a multi-value "node" variable filled
from the scrape configuration's `node` target label, rate windows of $__rate_interval, and, where it
makes sense, one series per node plus the farm-wide sum. The PromQL here is what
tests/integration/prometheus_dashboard_test.sh evaluates against a real Prometheus.
"""
import json
import pathlib
import sys

OUT = pathlib.Path(__file__).resolve().parent / "daqz-dashboard.json"
DS = {"type": "prometheus", "uid": "${datasource}"}
N = 'node=~"$node"'
RI = "$__rate_interval"


def rate(metric, by="node", extra=""):
    sel = f"{{{extra}{', ' if extra else ''}{N}}}"
    return f"sum by ({by}) (rate({metric}{sel}[{RI}]))" if by else f"sum(rate({metric}{sel}[{RI}]))"


def quantile(q, hist, by="node"):
    group = f"{by}, le" if by else "le"
    return f"histogram_quantile({q}, sum by ({group}) (rate({hist}_bucket{{{N}}}[{RI}])))"


class Builder:
    def __init__(self):
        self.panels, self.y, self.x, self.row_h, self.next_id = [], 0, 0, 0, 1

    def row(self, title):
        if self.x:
            self.y, self.x = self.y + self.row_h, 0
        self.panels.append({"type": "row", "title": title, "collapsed": False, "id": self._id(),
                            "gridPos": {"h": 1, "w": 24, "x": 0, "y": self.y}, "panels": []})
        self.y += 1
        self.row_h = 0

    def panel(self, title, targets, description, unit="short", kind="timeseries", w=8, h=8, **extra):
        if self.x + w > 24:
            self.y, self.x, self.row_h = self.y + self.row_h, 0, 0
        p = {"type": kind, "title": title, "description": description, "id": self._id(), "datasource": DS,
             "gridPos": {"h": h, "w": w, "x": self.x, "y": self.y},
             "targets": [self._target(t, i) for i, t in enumerate(targets)],
             "fieldConfig": {"defaults": {"unit": unit}, "overrides": []}, "options": {}}
        if kind == "timeseries":
            p["fieldConfig"]["defaults"]["custom"] = {"lineWidth": 1, "fillOpacity": 0, "showPoints": "never"}
            p["options"] = {"legend": {"displayMode": "list", "placement": "bottom"},
                            "tooltip": {"mode": "multi", "sort": "desc"}}
            # Targets and farm sums are drawn differently from per-node series.
            p["fieldConfig"]["overrides"] = [
                {"matcher": {"id": "byRegexp", "options": ".*target.*"},
                 "properties": [{"id": "custom.lineStyle", "value": {"fill": "dash", "dash": [10, 10]}}]},
                {"matcher": {"id": "byRegexp", "options": ".*(sum|farm|all).*"},
                 "properties": [{"id": "custom.lineWidth", "value": 3}]}]
        elif kind in ("stat", "bargauge"):
            p["options"] = {"reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": False},
                            "colorMode": "background" if kind == "stat" else "value",
                            "orientation": "horizontal", "textMode": "value_and_name"}
        for key, value in extra.items():
            if key == "thresholds":
                p["fieldConfig"]["defaults"]["thresholds"] = {"mode": "absolute", "steps": value}
                p["fieldConfig"]["defaults"]["color"] = {"mode": "thresholds"}
            elif key == "mappings":
                p["fieldConfig"]["defaults"]["mappings"] = value
            elif key in ("min", "max"):
                p["fieldConfig"]["defaults"][key] = value
            else:
                p[key] = value
        self.panels.append(p)
        self.x += w
        self.row_h = max(self.row_h, h)

    def _target(self, t, i):
        expr, legend = t[0], t[1]
        target = {"datasource": DS, "expr": expr, "legendFormat": legend, "refId": chr(ord("A") + i),
                  "range": True, "instant": False}
        if len(t) > 2 and t[2] == "table":
            target.update({"format": "table", "instant": True, "range": False})
        return target

    def _id(self):
        self.next_id += 1
        return self.next_id - 1


def build():
    b = Builder()
    red_below = lambda v: [{"color": "red", "value": None}, {"color": "orange", "value": v * 0.9},
                           {"color": "green", "value": v}]
    red_above = lambda v: [{"color": "green", "value": None}, {"color": "red", "value": v}]

    b.row("Throughput vs target")
    b.panel("Encoded wedges/s per node vs target", [
        (rate("daqz_ingest_wedges_encoded_total"), "{{node}} encoded"),
        ("daqz_ingest_achieved_wedges_per_second{" + N + "}", "{{node}} achieved (node's window)"),
        ("sum by (node) (daqz_ingest_target_wedges_per_second{" + N + "})", "{{node}} target")],
        "Wedges encoded per second by each ingest node (rate of daqz_ingest_wedges_encoded_total and the "
        "node's own daqz_ingest_achieved_wedges_per_second) against its FELIX-rate target.", "wps", w=12)
    b.panel("Farm wedges/s vs summed target", [
        (rate("daqz_ingest_wedges_encoded_total", by=""), "encoded (sum)"),
        ("sum(daqz_ingest_target_wedges_per_second{" + N + "})", "target (sum)"),
        (rate("daqz_felix_sim_messages_sent_total", by="", extra='kind="wedge"'), "sent by FELIX simulators (sum)")],
        "All selected ingest nodes together against the sum of their targets; FELIX simulators' send "
        "rate when they run (test stands).", "wps", w=12)
    b.panel("Fraction of target", [
        ("daqz_ingest_target_ratio{" + N + "}", "{{node}}"),
        ("sum(daqz_ingest_achieved_wedges_per_second{" + N + "}) / sum(daqz_ingest_target_wedges_per_second{"
         + N + "})", "farm")],
        "daqz_ingest_target_ratio: achieved / target wedges per second (clipped to 1) per node, and the farm's "
        "summed achieved rate over its summed target. Below 0.9 for 5 min fires DaqzIngestBelowTarget.",
        "percentunit", kind="bargauge", w=8, min=0, max=1, thresholds=red_below(1.0))
    b.panel("Received bytes/s vs target", [
        (rate("daqz_ingest_received_bytes_total"), "{{node}} received"),
        ("daqz_ingest_achieved_bytes_per_second{" + N + "}", "{{node}} achieved (node's window)"),
        ("daqz_ingest_target_bytes_per_second{" + N + "}", "{{node}} target"),
        (rate("daqz_ingest_received_bytes_total", by=""), "received (sum)"),
        (rate("daqz_ingest_sent_bytes_total"), "{{node}} sent to sinks"),
        (rate("daqz_felix_sim_bytes_sent_total", by=""), "sent by FELIX simulators (sum)")],
        "Bytes arriving on the data channel (all frames) against the node's byte-rate target, bytes sent "
        "on to the sinks (re-sends included) and bytes FELIX simulators send.", "Bps", w=8)
    b.panel("Jets and records", [
        (rate("daqz_ingest_messages_received_total", by="node, kind"), "{{node}} {{kind}} messages received"),
        (rate("daqz_ingest_jets_encoded_total"), "{{node}} jets encoded"),
        (rate("daqz_ingest_records_sent_total"), "{{node}} records to sinks"),
        (rate("daqz_ingest_acks_total"), "{{node}} acknowledged"),
        (rate("daqz_ingest_records_sent_total", by=""), "records to sinks (sum)")],
        "Valid messages received by kind, jets encoded, records sent to sinks (first sends) and records "
        "acknowledged by sinks, per second.",
        "ops", w=8)

    b.row("Queues and back-pressure")
    b.panel("Queue fill (depth / capacity)", [
        ("daqz_ingest_queue_depth{" + N + "} / daqz_ingest_queue_capacity{" + N + "}", "{{node}} {{queue}}")],
        "Bounded input (received, not yet encoded) and output (encoded, not yet sent) queues. A full queue "
        "blocks its producer; above 80% for 2 min fires DaqzIngestQueueNearFull.", "percentunit", w=8,
        min=0, max=1)
    b.panel("Queue depth (items)", [
        ("daqz_ingest_queue_depth{" + N + "}", "{{node}} {{queue}}"),
        ("sum by (queue) (daqz_ingest_queue_depth{" + N + "})", "{{queue}} (sum)")],
        "Items waiting in each queue.", "short", w=8)
    b.panel("Replay buffer (unacknowledged records)", [
        ("daqz_ingest_replay_buffer_records{" + N + "}", "{{node}}"),
        ("sum(daqz_ingest_replay_buffer_records{" + N + "})", "all (sum)")],
        "Records sent to a sink but not yet acknowledged; a full replay buffer applies back-pressure.",
        "short", w=8)
    b.panel("Back-pressure", [
        (rate("daqz_ingest_backpressure_waits_total"), "{{node}} ingest waits/s"),
        (rate("daqz_felix_sim_backpressure_seconds_total"), "{{node}} FELIX sim blocked (s/s)")],
        "Waits of the ingest node on a full queue or a blocked sink, and the fraction of time FELIX "
        "simulators spend waiting for the ingest node to accept a message.", "short", w=12)
    b.panel("Re-sends", [
        (rate("daqz_ingest_resent_records_total"), "{{node}} ingest to sinks"),
        (rate("daqz_ingest_resent_records_total", by=""), "ingest to sinks (sum)"),
        (rate("daqz_felix_sim_resent_messages_total"), "{{node}} FELIX sim to ingest")],
        "Records re-sent after the acknowledgement time-out (--replay-timeout): a sink (or, for FELIX "
        "simulators, an ingest node) is slow or gone.", "ops", w=12)
    b.panel("FELIX messages awaiting acknowledgement", [
        ("daqz_felix_sim_unacked_messages{" + N + "}", "{{node}} unacknowledged"),
        (rate("daqz_felix_sim_acks_total"), "{{node}} acknowledged/s"),
        (rate("daqz_ingest_upstream_acks_total"), "{{node}} ingest acks upstream/s")],
        "End-to-end delivery: FELIX simulators keep each message until the ingest node acknowledges it, "
        "which it does once a sink has stored the record.", "short", w=12)

    b.row("Latency")
    b.panel("End-to-end latency (FELIX timestamp to sink send)", [
        (quantile(0.5, "daqz_ingest_end_to_end_latency_seconds"), "{{node}} p50"),
        (quantile(0.9, "daqz_ingest_end_to_end_latency_seconds"), "{{node}} p90"),
        (quantile(0.99, "daqz_ingest_end_to_end_latency_seconds"), "{{node}} p99"),
        (quantile(0.99, "daqz_ingest_end_to_end_latency_seconds", by=""), "all p99")],
        "Quantiles of daqz_ingest_end_to_end_latency_seconds: from the sender's timestamp to the record's "
        "send to a sink.", "s", w=12)
    b.panel("Encoder time per batch", [
        (quantile(0.5, "daqz_ingest_encode_seconds"), "{{node}} p50"),
        (quantile(0.99, "daqz_ingest_encode_seconds"), "{{node}} p99")],
        "Quantiles of daqz_ingest_encode_seconds (one observation per encoder batch).", "s", w=6)
    b.panel("Batch size", [
        (f"{rate('daqz_ingest_batch_size_sum')} / {rate('daqz_ingest_batch_size_count')}", "{{node}} mean"),
        (quantile(0.9, "daqz_ingest_batch_size"), "{{node}} p90")],
        "Items per encoder batch chosen by dynamic batching (--max-batch, --max-delay-ms).", "short", w=6)

    b.row("Compression")
    b.panel("Compression ratio vs dense (since start)", [
        ("daqz_ingest_compression_ratio{" + N + "}", "{{node}} {{kind}}")],
        "daqz_ingest_compression_ratio: dense bytes (16-bit wedges, float32 jets) / stored bytes of the "
        "encoded records since the node started.", "short", w=8)
    b.panel("Ratio vs zero-suppressed wire", [
        (f"{rate('daqz_ingest_encoded_input_bytes_total')} / {rate('daqz_ingest_encoded_output_bytes_total')}",
         "{{node}}"),
        (f"{rate('daqz_ingest_encoded_input_bytes_total', by='')} / "
         f"{rate('daqz_ingest_encoded_output_bytes_total', by='')}", "farm")],
        "Zero-suppressed wire bytes in / stored bytes out over the rate window.", "short", w=8)
    b.panel("Lossless fallbacks and codec failures", [
        (rate("daqz_ingest_fallback_total", by="node, kind"), "{{node}} {{kind}} fallbacks/s"),
        ("daqz_ingest_codec_unavailable_total{" + N + "}", "{{node}} codecs unavailable")],
        "Records stored losslessly because the codec failed on them, and configured codecs that failed to "
        "load at start (everything of that kind is then lossless).", "short", w=8)

    b.panel("Stored size per wedge", [
        (quantile(0.5, "daqz_ingest_stored_bytes_per_wedge"), "{{node}} p50"),
        (quantile(0.9, "daqz_ingest_stored_bytes_per_wedge"), "{{node}} p90"),
        (f"{rate('daqz_ingest_stored_bytes_per_wedge_sum')} / {rate('daqz_ingest_stored_bytes_per_wedge_count')}",
         "{{node}} mean")],
        "daqz_ingest_stored_bytes_per_wedge: stored payload size of each wedge record (a dense 16-bit wedge is "
        "1.5 MB; bcae-v1 fp16 latents 46 kB, 6-bit entropy-coded ~14 kB).", "bytes", w=8)
    b.panel("Operating point (latent bits per value)", [
        ("daqz_ingest_operating_point{" + N + "}", "{{node}} {{source}}")],
        "daqz_ingest_operating_point: K of the last neural record of each stream (bits=K quantised and "
        "rANS-coded latents; 16 = fp16 latents).", "short", w=8)
    b.panel("Smallest-record choices", [
        (rate("daqz_ingest_codec_choice_total", by="node, codec"), "{{node}} {{codec}}")],
        "With --wedge-codec smallest: records per second kept from the neural codec or from lossless, "
        "whichever was smaller (lossless wins at low occupancy, p+p-like).", "ops", w=8)

    b.row("Live fidelity (sampled decode of what is stored)")
    b.panel("log-MAE", [("daqz_ingest_fidelity_log_mae{" + N + "}", "{{node}}")],
            "Mean absolute error of log ADC over the monitor's recent samples.", "short", w=6)
    b.panel("MSE", [("daqz_ingest_fidelity_mse{" + N + "}", "{{node}}")],
            "Mean squared ADC error over the monitor's recent samples.", "short", w=6)
    b.panel("Occupancy precision and recall", [
        ("daqz_ingest_fidelity_precision{" + N + "}", "{{node}} precision"),
        ("daqz_ingest_fidelity_recall{" + N + "}", "{{node}} recall")],
        "Of the voxels the decoder reports nonzero, the share truly nonzero (precision); of the true nonzero "
        "voxels, the share reported (recall).", "percentunit", w=6, min=0, max=1)
    b.panel("Fidelity samples", [
        (rate("daqz_ingest_fidelity_samples_total"), "{{node}} measured/s"),
        ("sum by (node) (daqz_ingest_fidelity_sample_fraction{" + N + "}) * "
         + rate("daqz_ingest_wedges_encoded_total"), "{{node}} due/s (fraction x encoded)"),
        (rate("daqz_ingest_fidelity_dropped_total"), "{{node}} dropped/s"),
        (rate("daqz_ingest_fidelity_errors_total"), "{{node}} decode errors/s")],
        "Wedges decoded and compared per second, samples dropped because the monitor was busy, and "
        "sampled records that could not be decoded (stored data that may not be recoverable).",
        "ops", w=6)

    b.row("Rejects")
    b.panel("Ingest rejects by reason", [
        (rate("daqz_ingest_frames_rejected_total", by="node, reason"), "{{node}} {{reason}}")],
        "Frames failing validation at the ingest nodes, per reason.", "ops", w=8)
    b.panel("Sink rejects by reason", [
        (rate("daqz_sink_frames_rejected_total", by="node, reason"), "{{node}} {{reason}}")],
        "Records failing validation at the sinks, per reason.", "ops", w=8)
    b.panel("Rejected in the time range", [
        ('sum by (job, reason) (increase({__name__=~"daqz_(ingest|sink)_frames_rejected_total", ' + N +
         '}[$__range]))', "{{job}} {{reason}}"),
        ('sum by (job) (increase({__name__=~"daqz_(ingest|sink)_quarantined_frames_total", ' + N +
         '}[$__range]))', "{{job}} quarantined")],
        "Rejected frames (by service and reason) and frames kept in quarantine files over the dashboard's "
        "time range.", "short", kind="bargauge", w=8, thresholds=red_above(1))
    b.panel("Quarantined frames/s", [
        ('sum by (job, node) (rate({__name__=~"daqz_(ingest|sink)_quarantined_frames_total", ' + N + '}[' + RI +
         ']))', "{{job}} {{node}}")],
        "Rejected frames whose raw bytes were kept in the service's quarantine file.", "ops", w=12)
    b.panel("CURVE authentication failures/s", [
        ('sum by (job, node) (rate({__name__=~"daqz_(ingest|sink)_auth_failures_total", ' + N + '}[' + RI +
         ']))', "{{job}} {{node}}")],
        "Connections refused by ZeroMQ CURVE authentication (unknown client key; docs/security.md).", "ops",
        w=12)

    b.row("Sink health")
    b.panel("Written bytes/s", [
        (rate("daqz_sink_written_bytes_total"), "{{node}}"),
        (rate("daqz_sink_written_bytes_total", by=""), "all (sum)")],
        "Bytes appended to segment files.", "Bps", w=8)
    b.panel("Records stored/s", [
        (rate("daqz_sink_records_received_total"), "{{node}} received"),
        (rate("daqz_sink_records_stored_total", by="node, kind"), "{{node}} {{kind}} stored"),
        (rate("daqz_sink_duplicates_total"), "{{node}} duplicates dropped"),
        (rate("daqz_sink_acks_sent_total"), "{{node}} acknowledged")],
        "Records received, appended (by kind), re-sent duplicates dropped, and acknowledgements sent to "
        "ingest nodes.", "ops", w=8)
    b.panel("fsync latency", [
        (quantile(0.5, "daqz_sink_fsync_seconds"), "{{node}} p50"),
        (quantile(0.99, "daqz_sink_fsync_seconds"), "{{node}} p99")],
        "Duration of flush + fsync; acknowledgements wait for it.", "s", w=8)
    b.panel("Write errors in the time range", [
        ("sum by (node) (increase(daqz_sink_write_errors_total{" + N + "}[$__range]))", "{{node}}")],
        "Failed appends or fsyncs (records stay unacknowledged and are re-sent).", "short", kind="stat",
        w=6, h=6, thresholds=red_above(1))
    b.panel("Pending acknowledgements", [
        ("daqz_sink_pending_acks{" + N + "}", "{{node}}"),
        ("sum(daqz_sink_pending_acks{" + N + "})", "all (sum)")],
        "Stored records whose acknowledgement is not sent yet (waits for the next fsync).", "short", w=6, h=6)
    b.panel("Segments and recovery", [
        ("sum by (node) (increase(daqz_sink_segments_opened_total{" + N + "}[$__range]))", "{{node}} segments opened"),
        ("daqz_sink_recovered_truncated_bytes_total{" + N + "}", "{{node}} torn-tail bytes truncated at start")],
        "Segment rotations over the time range; bytes cut from a torn tail when the sink restarted after a "
        "crash.", "short", kind="stat", w=6, h=6)
    b.panel("Sink disk free", [
        ("daqz_sink_disk_free_bytes{" + N + "}", "{{node}} free"),
        ("daqz_sink_disk_total_bytes{" + N + "}", "{{node}} size")],
        "Bytes available on the filesystem of each sink's segment folder (statvfs every --disk-check-interval); "
        "the sink turns not ready (/readyz, daqz_sink_storage_writable 0) below --min-free-bytes.", "bytes",
        w=12, h=6)
    b.panel("Sink storage writable", [
        ("daqz_sink_storage_writable{" + N + "}", "{{node}}")],
        "1 while the sink can store records (free space, probe file, last write), else 0; /readyz names the "
        "reason.", "short", kind="stat", w=6, h=6,
        thresholds=[{"color": "red", "value": None}, {"color": "green", "value": 1}],
        mappings=[{"type": "value", "options": {"0": {"text": "not writable"}, "1": {"text": "writable"}}}])
    b.panel("Sink duplicates in the time range", [
        ("sum by (node) (increase(daqz_sink_duplicates_total{" + N + "}[$__range]))", "{{node}}")],
        "Re-sent records already stored (at-least-once delivery, exactly-once storage).", "short", kind="stat",
        w=6, h=6)

    b.row("Services")
    b.panel("Up", [('up{job=~"daqz-.*", ' + N + "}", "{{job}} {{node}}")],
            "Whether Prometheus reaches each service's /metrics.", "short", kind="stat", w=8, h=6,
            thresholds=[{"color": "red", "value": None}, {"color": "green", "value": 1}],
            mappings=[{"type": "value", "options": {"0": {"text": "down"}, "1": {"text": "up"}}}])
    b.panel("Device state", [
        ('{__name__=~"daqz_(ingest|sink|felix_sim)_state", ' + N + "}", "{{job}} {{node}}")],
        "Device state: 0 idle, 1 initializing, 2 ready, 3 running, 4 draining, 5 stopped, 6 error (daqz_ingest_state, daqz_sink_state).", "short", kind="stat", w=8, h=6,
        mappings=[{"type": "value", "options": {"0": {"text": "idle"}, "1": {"text": "initializing", "color": "blue"},
                                                 "2": {"text": "ready", "color": "blue"},
                                                 "3": {"text": "running", "color": "green"},
                                                 "4": {"text": "draining", "color": "orange"},
                                                 "5": {"text": "stopped", "color": "red"},
                                                 "6": {"text": "error", "color": "dark-red"}}}])
    b.panel("Builds", [("daqz_build_info{" + N + "}", "", "table")],
            "daqz_build_info labels of every process (version, git, LibTorch, device).", "short", kind="table",
            w=8, h=6, transformations=[{"id": "organize", "options": {
                "excludeByName": {"Time": True, "Value": True, "__name__": True}}}])

    node_query = 'label_values(up{job=~"daqz-.*"}, node)'
    return {
        "title": "daqz readout farm",
        "uid": "daqz-readout",
        "description": "Throughput vs target, queues, latency, compression, live fidelity, rejects and sink "
                       "health of daqz services (generated by deploy/grafana/make_dashboard.py).",
        "tags": ["daqz", "sphenix", "readout"],
        "editable": True,
        "graphTooltip": 1,
        "refresh": "10s",
        "schemaVersion": 38,
        "version": 1,
        "time": {"from": "now-1h", "to": "now"},
        "timezone": "utc",
        "annotations": {"list": []},
        "links": [],
        "templating": {"list": [
            {"name": "datasource", "label": "Data source", "type": "datasource", "query": "prometheus",
             "current": {}, "hide": 0, "refresh": 1, "regex": "", "options": []},
            {"name": "node", "label": "Node", "type": "query", "datasource": DS,
             "definition": node_query, "query": {"query": node_query, "refId": "node"},
             "multi": True, "includeAll": True, "allValue": ".*", "refresh": 2, "sort": 1, "hide": 0,
             "current": {"selected": True, "text": ["All"], "value": ["$__all"]}, "options": [], "regex": ""}]},
        "panels": b.panels,
    }


def validate(dashboard):
    """Unique panel ids, panels inside the 24-column grid and not overlapping, every target has PromQL."""
    cells, ids = {}, set()
    for p in dashboard["panels"]:
        assert p["id"] not in ids, f"duplicate panel id {p['id']}"
        ids.add(p["id"])
        g = p["gridPos"]
        assert 0 <= g["x"] and g["x"] + g["w"] <= 24, f"panel '{p['title']}' outside the grid"
        for x in range(g["x"], g["x"] + g["w"]):
            for y in range(g["y"], g["y"] + g["h"]):
                assert (x, y) not in cells, f"panel '{p['title']}' overlaps '{cells[(x, y)]}'"
                cells[(x, y)] = p["title"]
        for t in p.get("targets", []):
            assert t["expr"].strip() and t["datasource"] == DS, f"panel '{p['title']}' target {t['refId']}"


def main():
    dashboard = build()
    validate(dashboard)
    text = json.dumps(dashboard, indent=2) + "\n"
    if "--check" in sys.argv[1:]:
        if not OUT.exists() or OUT.read_text() != text:
            print(f"{OUT} is out of date: run {__file__}", file=sys.stderr)
            return 1
        return 0
    OUT.write_text(text)
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
