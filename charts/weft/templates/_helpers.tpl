{{/* Names and labels shared by the chart's templates. Names are fixed: one weft per cluster. */}}

{{- define "weft.name" -}}weft-control-plane{{- end -}}

{{- define "weft.labels" -}}
app.kubernetes.io/part-of: weft
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "weft.selector" -}}
app.kubernetes.io/name: weft-control-plane
{{- end -}}

{{/* host:port of the control plane's config API, as sidecars dial it. */}}
{{- define "weft.controlPlaneAddress" -}}
{{ include "weft.name" . }}.{{ .Release.Namespace }}.svc:15010
{{- end -}}

{{/* The injector's settings (control-plane/injector/settings-file.ts), as JSON. */}}
{{- define "weft.injectorSettings" -}}
{{- $i := .Values.injector -}}
{{- $s := dict
  "image" (printf "%s:%s" $i.image.repository $i.image.tag)
  "imagePullPolicy" $i.image.pullPolicy
  "controlPlaneAddress" (include "weft.controlPlaneAddress" .)
  "controlPlaneNamespace" .Release.Namespace
  "tokenAudience" $i.tokenAudience
  "tokenExpirationSeconds" (int $i.tokenExpirationSeconds)
  "logLevel" $i.logLevel
  "resources" $i.resources -}}
{{- if $i.iptables }}{{ $_ := set $s "iptables" $i.iptables }}{{ end -}}
{{- toJson $s -}}
{{- end -}}
