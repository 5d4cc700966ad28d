terraform {
  required_version = ">= 1.6"
  required_providers {
    aws = { source = "hashicorp/aws", version = "~> 5.40" }
  }
  backend "s3" {
    bucket = "acme-market-tfstate"
    key    = "marketplace/terraform.tfstate"
    region = "eu-west-1"
  }
}

provider "aws" {
  region = var.region
}

variable "region" {
  type    = string
  default = "eu-west-1"
}

variable "environment" {
  type    = string
  default = "production"
}

variable "vpc_id" { type = string }
variable "private_subnet_ids" { type = list(string) }

locals {
  name = "marketplace-${var.environment}"
  tags = { service = "marketplace", environment = var.environment, managed_by = "terraform" }
}

resource "aws_db_subnet_group" "main" {
  name       = local.name
  subnet_ids = var.private_subnet_ids
  tags       = local.tags
}

resource "aws_db_instance" "postgres" {
  identifier              = local.name
  engine                  = "postgres"
  engine_version          = "16.2"
  instance_class          = "db.r6g.large"
  allocated_storage       = 100
  max_allocated_storage   = 500
  db_name                 = "marketplace"
  username                = "marketplace"
  manage_master_user_password = true
  multi_az                = true
  backup_retention_period = 14
  db_subnet_group_name    = aws_db_subnet_group.main.name
  deletion_protection     = true
  performance_insights_enabled = true
  tags                    = local.tags
}

resource "aws_elasticache_subnet_group" "main" {
  name       = local.name
  subnet_ids = var.private_subnet_ids
}

resource "aws_elasticache_replication_group" "broker" {
  replication_group_id = "${local.name}-broker"
  description          = "Celery broker (default and search-indexing queues)"
  engine               = "redis"
  node_type            = "cache.t4g.medium"
  num_cache_clusters   = 2
  automatic_failover_enabled = true
  subnet_group_name    = aws_elasticache_subnet_group.main.name
  tags                 = local.tags
}

resource "aws_opensearch_domain" "search" {
  domain_name    = "${local.name}-search"
  engine_version = "Elasticsearch_7.10"

  cluster_config {
    instance_type          = "r6g.large.search"
    instance_count         = 3
    zone_awareness_enabled = true
  }

  ebs_options {
    ebs_enabled = true
    volume_size = 100
  }

  vpc_options {
    subnet_ids = slice(var.private_subnet_ids, 0, 2)
  }

  tags = merge(local.tags, { owner = "search-team" })
}

resource "aws_ecr_repository" "marketplace" {
  name                 = "marketplace"
  image_tag_mutability = "IMMUTABLE"
  image_scanning_configuration { scan_on_push = true }
  tags = local.tags
}

output "database_endpoint" { value = aws_db_instance.postgres.endpoint }
output "broker_endpoint" { value = aws_elasticache_replication_group.broker.primary_endpoint_address }
output "search_endpoint" { value = aws_opensearch_domain.search.endpoint }
