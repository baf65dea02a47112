/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * CPU models for -cpu: "host"/"max" pass through what KVM supports,
 * "qemu64" keeps QEMU's baseline feature set; +feat/-feat adjust either.
 */
#ifndef ACCEL_CPU_MODEL_H
#define ACCEL_CPU_MODEL_H

#include <linux/kvm.h>
#include <glib.h>

struct machine_config;

/* The models -cpu accepts, NULL-terminated (QMP query-cpu-definitions). */
extern const char *const cpu_model_names[];
/* Validate "-cpu MODEL[,+f,-f,f=on]" and store it in cfg. */
int cpu_model_parse(struct machine_config *cfg, const char *arg, GError **err);
/* Filter supported CPUID entries in place for vCPU index. */
int cpu_model_apply(struct kvm_cpuid2 *c, const struct machine_config *cfg, int index,
		    GError **err);
/* Is name one of the feature names -cpu and QMP understand? */
bool cpu_model_feature_known(const char *name);
/*
 * QMP query-cpu-model-expansion: call emit for each feature name with its
 * value in model; supported is KVM_GET_SUPPORTED_CPUID (NULL without KVM).
 */
int cpu_model_expand(const struct kvm_cpuid2 *supported, const char *model,
		     void (*emit)(void *opaque, const char *name, bool on), void *opaque,
		     GError **err);

#endif
