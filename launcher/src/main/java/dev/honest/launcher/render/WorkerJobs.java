package dev.honest.launcher.render;

import dev.honest.common.config.WorkerSlice;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EmptyDirVolumeSource;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.ProjectedVolumeSourceBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import io.fabric8.kubernetes.api.model.VolumeProjectionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A worker's Job from the template {@code templates/worker-job.yaml}. */
final class WorkerJobs {
  static final String CONTAINER = "worker";

  private WorkerJobs() {}

  /**
   * @param labels the run labels of this worker (instance, worker index, name)
   * @param files the worker's file ConfigMaps, mounted at the workspace as one projected volume
   * @param taskShards the projections of the worker's task shards, none when {@code
   *     orchestrator-config} holds every task; else the config volume projects them beside it
   */
  static Job job(RunSettings s, WorkerSlice slice, Map<String, String> labels, WorkspaceFiles files,
      List<VolumeProjection> taskShards) {
    Job job = Manifests.workerJob();
    job.getMetadata().setName(slice.job());
    job.getMetadata().setNamespace(s.namespace());
    job.getMetadata().getLabels().putAll(labels);
    job.getSpec().getTemplate().getMetadata().getLabels().putAll(labels);
    job.getSpec().setActiveDeadlineSeconds(s.jobActiveDeadlineSeconds());

    PodSpec pod = job.getSpec().getTemplate().getSpec();
    Container worker = Pods.container(pod.getContainers(), CONTAINER);
    worker.setImage(s.workerImage());
    worker.setResources(Pods.resources(s.workerResources()));
    Pods.setEnv(worker, "HONEST_WORKER_INDEX", String.valueOf(slice.index()));

    if (!taskShards.isEmpty()) {
      Volume config = Pods.volume(pod, "config");
      List<VolumeProjection> sources = new ArrayList<>();
      sources.add(new VolumeProjectionBuilder()
          .withNewConfigMap().withName(config.getConfigMap().getName()).endConfigMap().build());
      sources.addAll(taskShards);
      config.setConfigMap(null);
      config.setProjected(new ProjectedVolumeSourceBuilder().withSources(sources).build());
    }

    Volume workspace = Pods.volume(pod, "workspace");
    if (files.sources().isEmpty()) {
      // Nothing to mount, but the worker still expects its workspace directory to exist.
      workspace.setProjected(null);
      workspace.setEmptyDir(new EmptyDirVolumeSource());
    } else {
      workspace.setProjected(new ProjectedVolumeSourceBuilder().withSources(files.sources()).build());
    }
    return job;
  }
}
